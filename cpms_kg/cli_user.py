"""`cpms-kg user add|token|revoke`: accounts, roles and bearer tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from cpms_kg.cli_common import BaseOpt, EndpointOpt, GraphStoreOpt, StoreOpt, UpdateOpt, fail, open_from_flags, say
from cpms_kg.errors import CpmsError, UsageError

app = typer.Typer(help="accounts, roles and bearer tokens · 账户、角色与令牌", no_args_is_help=True)


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="account name")],
    role: Annotated[
        list[str],
        typer.Option("--role", help="admin, pilot-authority, expert, expert-lead, regional-reviewer, firm-steward"),
    ],
    firm: Annotated[str | None, typer.Option("--firm", help="the firm a data steward belongs to")] = None,
    store: StoreOpt = None,
    endpoint: EndpointOpt = None,
    update_endpoint: UpdateOpt = None,
    graph_store: GraphStoreOpt = None,
    base_iri: BaseOpt = None,
) -> None:
    """Create an account with its roles. 创建账户。"""
    from cpms_kg.accounts import Role, add_user

    try:
        try:
            roles = [Role(r) for r in role]
        except ValueError as exc:
            known = ", ".join(r.value for r in Role)
            raise UsageError(f"{exc}; roles: {known}", message_zh=f"未知角色；可选：{known}") from None
        with open_from_flags(store, endpoint, update_endpoint, graph_store, base_iri) as opened:
            user = add_user(opened, name, roles, firm=firm)
    except CpmsError as exc:
        raise fail(exc) from None
    roles_text = ", ".join(sorted(r.value for r in user.roles))
    say(f"account {user.name} created ({roles_text})", f"已创建账户 {user.name}（{roles_text}）")


@app.command()
def token(
    name: Annotated[str, typer.Argument(help="account name")],
    store: StoreOpt = None,
    endpoint: EndpointOpt = None,
    update_endpoint: UpdateOpt = None,
    graph_store: GraphStoreOpt = None,
    base_iri: BaseOpt = None,
) -> None:
    """Issue a bearer token (printed once; only its hash is stored). 签发令牌。"""
    from cpms_kg.accounts import issue_token

    try:
        with open_from_flags(store, endpoint, update_endpoint, graph_store, base_iri) as opened:
            secret = issue_token(opened, name)
    except CpmsError as exc:
        raise fail(exc) from None
    typer.echo(secret)
    say("keep this token: it is not shown again", "请妥善保存此令牌：它不会再次显示")


@app.command()
def revoke(
    token_id: Annotated[str, typer.Argument(help="the token's id (the part after cpms_), or the whole token")],
    store: StoreOpt = None,
    endpoint: EndpointOpt = None,
    update_endpoint: UpdateOpt = None,
    graph_store: GraphStoreOpt = None,
    base_iri: BaseOpt = None,
) -> None:
    """Revoke a token. 吊销令牌。"""
    from cpms_kg.accounts import revoke as run

    ident = token_id.split("_")[1] if token_id.startswith("cpms_") else token_id
    try:
        with open_from_flags(store, endpoint, update_endpoint, graph_store, base_iri) as opened:
            run(opened, ident)
    except CpmsError as exc:
        raise fail(exc) from None
    say(f"token {ident} revoked", f"令牌 {ident} 已吊销")
