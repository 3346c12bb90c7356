"""The readable zh/en page of a standard version: category tree, attributes with units and value
domains, code lists, and which attributes each category requires."""

from __future__ import annotations

from html import escape

from cpms_kg.html import local_href, shell
from cpms_kg.standards.model import (
    Attribute,
    Category,
    Datatype,
    Standard,
    attribute_iri,
    code_list_iri,
    item_path,
    resolve_reference,
    version_path,
)

_OBLIGATION = {"required": "必填 required", "recommended": "推荐 recommended", "optional": "可选 optional"}


def _bi(zh: str, en: str) -> str:
    return f'<span lang="zh">{escape(zh)}</span> <span lang="en" class="en">{escape(en)}</span>'


def _domain(a: Attribute, standard: Standard, base: str) -> str:
    parts: list[str] = []
    if a.min_inclusive is not None or a.max_inclusive is not None:
        low = "" if a.min_inclusive is None else str(a.min_inclusive)
        high = "" if a.max_inclusive is None else str(a.max_inclusive)
        parts.append(f"{escape(low)} … {escape(high)}")
    if a.pattern:
        parts.append(f"<code>{escape(a.pattern)}</code>")
    if a.min_length is not None or a.max_length is not None:
        parts.append(_bi("长度", "length") + f" {a.min_length or 0} … {'' if a.max_length is None else a.max_length}")
    if a.datatype is Datatype.CODE and a.code_list:
        listed = standard.code_list(a.code_list)
        own = base + item_path(standard.info.id, standard.info.version, "codelist", a.code_list)
        href = local_href(base, own if listed is None else code_list_iri(base, standard.info, listed))
        name = listed.name.zh if listed else a.code_list
        parts.append(f'<a href="{escape(href)}">{escape(name)}</a>')
    return "<br>".join(parts)


def _tree(standard: Standard, base: str, parent: str | None) -> str:
    children: list[Category] = [c for c in standard.categories if c.parent == parent]
    if not children:
        return ""
    items = []
    for c in children:
        href = local_href(base, base + item_path(standard.info.id, standard.info.version, "category", c.code))
        required = [r.attribute for r in standard.requirements if r.category == c.code]
        own = f' <span class="iri">({len(required)} 项要求 requirements)</span>' if required else ""
        link = f'<a href="{escape(href)}">{escape(c.code)} {_bi(c.name.zh, c.name.en)}</a>'
        items.append(f"<li>{link}{own}{_tree(standard, base, c.code)}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def version_page(standard: Standard, base: str, unit_symbols: dict[str, str]) -> str:
    info = standard.info
    iri = base + version_path(info.id, info.version)
    rows = []
    for a in standard.attributes:
        href = local_href(base, attribute_iri(base, info, a))
        unit = unit_symbols.get(a.unit or "", a.unit or "")
        code = f'<a href="{escape(href)}"><code>{escape(a.code)}</code></a>'
        if a.reuse is not None:
            code += f'<br><span class="iri">{_bi("复用", "reused")}</span>'
        for m in a.matches:
            target = local_href(base, resolve_reference(base, m.target))
            code += f'<br><span class="iri">{escape(m.relation.value)}</span> <a href="{escape(target)}">→</a>'
        rows.append(
            f"<tr><td>{code}</td><td>{_bi(a.name.zh, a.name.en)}</td>"
            f"<td>{escape(a.datatype.value)}</td><td>{escape(unit)}</td><td>{_domain(a, standard, base)}</td>"
            f"<td>{a.min_count} … {'*' if a.max_count is None else a.max_count}</td>"
            f"<td>{escape(a.example or '')}</td></tr>"
        )
    requirements = "".join(
        f"<tr><td>{escape(r.category)}</td><td><code>{escape(r.attribute)}</code></td>"
        f"<td>{escape(_OBLIGATION[r.obligation.value])}</td></tr>"
        for r in standard.requirements
    )
    lists = "".join(
        f"<li>{escape(cl.id)} {_bi(cl.name.zh, cl.name.en)}: "
        + ", ".join(f"<code>{escape(c.code)}</code> {escape(c.label.zh)}" for c in cl.codes)
        + "</li>"
        for cl in standard.code_lists
    )
    industry = info.industry
    industry_link = (
        f'<a href="/id/classification/{escape(industry.scheme)}/{escape(industry.code)}">'
        f"{escape(industry.scheme)} {escape(industry.code)}</a> ({escape(industry.relation.value)})"
    )
    facts = (
        ("标准编号", "standard", f"{escape(info.id)} · {_bi('版本', 'version')} {escape(info.version)}"),
        ("状态", "status", escape(info.status.value)),
        ("地区", "region", escape(info.region)),
        ("所属行业", "industry", industry_link),
        ("发布机构", "issued by", _bi(info.issuing_body.zh, info.issuing_body.en)),
    )
    table = "".join(f"<tr><td>{_bi(zh, en)}</td><td>{value}</td></tr>" for zh, en, value in facts)
    tree = _tree(standard, base, None)
    body = (
        f'<h1>{escape(info.title.zh)}</h1><p class="en" lang="en">{escape(info.title.en)}</p>'
        f'<p class="iri">{escape(iri)}</p>'
        f"<section><table>{table}</table></section>"
        f"<section><h2>{_bi('类目', 'Categories')} ({len(standard.categories)})</h2>{tree}</section>"
        f"<section><h2>{_bi('属性', 'Attributes')} ({len(standard.attributes)})</h2><table>"
        f"<tr><th>{_bi('代码', 'code')}</th><th>{_bi('名称', 'name')}</th><th>{_bi('数据类型', 'datatype')}</th>"
        f"<th>{_bi('单位', 'unit')}</th><th>{_bi('值域', 'value domain')}</th><th>{_bi('个数', 'count')}</th>"
        f"<th>{_bi('示例', 'example')}</th></tr>{''.join(rows)}</table></section>"
        f"<section><h2>{_bi('代码表', 'Code lists')}</h2><ul>{lists}</ul></section>"
        f"<section><h2>{_bi('属性要求', 'Requirements')}</h2><table>{requirements}</table></section>"
    )
    return shell(f"{info.title.zh} {info.version}", body)
