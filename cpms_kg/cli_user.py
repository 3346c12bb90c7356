"""`cpms-kg user add|token|revoke`: accounts, roles and bearer tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from cpms_kg.cli_common import audited, say, with_store
from cpms_kg.errors import UsageError
from cpms_kg.store import Store

app = typer.Typer(help="accounts, roles and bearer tokens · 账户、角色与令牌", no_args_is_help=True)
_ROLES = "admin, pilot-authority, expert, expert-lead, regional-reviewer, firm-steward"


@app.command()
@with_store
def add(
    opened: Store,
    name: Annotated[str, typer.Argument(help="account name")],
    role: Annotated[list[str], typer.Option("--role", help=_ROLES)],
    firm: Annotated[str | None, typer.Option("--firm", help="the firm a data steward belongs to")] = None,
) -> None:
    """Create an account with its roles. 创建账户。"""
    from cpms_kg.accounts import Role, account_iri, add_user

    try:
        roles = [Role(r) for r in role]
    except ValueError as exc:
        raise UsageError(f"{exc}; roles: {_ROLES}", message_zh=f"未知角色；可选：{_ROLES}") from None
    user = add_user(opened, name, roles, firm=firm)
    granted = sorted(r.value for r in user.roles)
    target = account_iri(opened.base_iri, user.name)
    audited(opened, "user.add", target, after=f"roles={','.join(granted)} firm={user.firm or ''}")
    roles_text = ", ".join(granted)
    say(f"account {user.name} created ({roles_text})", f"已创建账户 {user.name}（{roles_text}）")


@app.command()
@with_store
def token(opened: Store, name: Annotated[str, typer.Argument(help="account name")]) -> None:
    """Issue a bearer token (printed once; only its hash is stored). 签发令牌。"""
    from cpms_kg.accounts import issue_token

    issued = issue_token(opened, name)
    audited(opened, "user.token", f"{opened.base_iri}token/{issued.split('_')[1]}", after=f"account={name}")
    typer.echo(issued)
    say("keep this token: it is not shown again", "请妥善保存此令牌：它不会再次显示")


@app.command()
@with_store
def revoke(
    opened: Store,
    token_id: Annotated[str, typer.Argument(help="the token's id (the part after cpms_), or the whole token")],
) -> None:
    """Revoke a token. 吊销令牌。"""
    from cpms_kg.accounts import revoke as run

    ident = token_id.split("_")[1] if token_id.startswith("cpms_") else token_id
    run(opened, ident)
    audited(opened, "user.revoke", f"{opened.base_iri}token/{ident}", before="active", after="revoked")
    say(f"token {ident} revoked", f"令牌 {ident} 已吊销")
