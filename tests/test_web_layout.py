"""The shared page layout: Chinese first, an English switch that is remembered, the signed-in account shown,
accessible structure (lang attributes, a skip link, a labelled navigation, the current page marked)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web import ViewerDep
from cpms_kg.web.layout import Viewer, choose_lang, page
from tests.conftest import ADMIN_TOKEN, app_client


def test_language_choice() -> None:
    assert choose_lang(None, None) == "zh"
    assert choose_lang("en", None) == "en" and choose_lang(None, "en") == "en"
    assert choose_lang("zh", "en") == "zh"  # the query wins over the saved choice
    assert choose_lang("fr", "xx") == "zh"


def test_page_in_one_language_with_accessible_structure() -> None:
    zh = page(Viewer(path="/browse"), ("分类浏览", "Classifications"), "<p>x</p>")
    en = page(Viewer(lang="en", path="/browse"), ("分类浏览", "Classifications"), "<p>x</p>")
    assert '<html lang="zh">' in zh and "<title>分类浏览 · cpms-kg</title>" in zh and "Classifications" not in zh
    assert '<html lang="en">' in en and "分类浏览" not in en
    assert 'href="#main"' in zh and '<main id="main">' in zh and '<nav aria-label="主导航">' in zh
    assert '<a href="/browse" aria-current="page">分类浏览</a>' in zh
    assert 'href="/lang?to=en&amp;next=/browse"' in zh and 'href="/lang?to=zh&amp;next=/browse"' in en
    assert 'href="/login?next=/browse"' in zh
    signed_in = page(Viewer(user="li", roles=("expert",)), ("首页", "Home"), "")
    assert "li" in signed_in and 'action="/logout"' in signed_in and "/login?" not in signed_in


def test_switch_is_remembered_and_local_only(tmp_path: Path) -> None:
    with app_client(tmp_path / "store") as (client, _store):
        switched = client.get("/lang", params={"to": "en", "next": "/browse"}, follow_redirects=False)
        assert switched.status_code == 303 and switched.headers["location"] == "/browse"
        assert "cpms_lang=en" in switched.headers["set-cookie"]
        away = client.get("/lang", params={"to": "en", "next": "//evil.example/"}, follow_redirects=False)
        assert away.headers["location"] == "/"
        css = client.get("/static/site.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css") and "--brand" in css.text


def test_viewer_reads_the_login_cookie(tmp_path: Path) -> None:
    with app_client(tmp_path / "store") as (client, _store):
        app: FastAPI = client.app  # type: ignore[assignment]

        @app.get("/__viewer")
        def show(viewer: ViewerDep) -> dict[str, object]:
            return {"lang": viewer.lang, "user": viewer.user, "roles": list(viewer.roles)}

        assert client.get("/__viewer").json() == {"lang": "zh", "user": None, "roles": []}
        client.cookies.set("cpms_token", ADMIN_TOKEN)
        client.cookies.set("cpms_lang", "en")
        assert client.get("/__viewer").json() == {"lang": "en", "user": "admin", "roles": ["admin"]}
        client.cookies.set("cpms_token", "cpms_bad_token")
        assert client.get("/__viewer").json()["user"] is None  # a bad cookie reads as signed out, never a 4xx
        assert isinstance(client, TestClient)
