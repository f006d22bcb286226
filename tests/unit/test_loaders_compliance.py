"""Read-only compliance rules, on the facts an inspection gathers (no server needed)."""

from __future__ import annotations

from vigil.loaders.compliance import mysql_findings, postgres_findings

CLEAN_ROLE = {"rolsuper": False, "rolcreatedb": False, "rolcreaterole": False, "rolreplication": False,
              "rolbypassrls": False, "db_create": False}


def _codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_a_plain_postgres_reader_has_no_findings():
    assert postgres_findings(CLEAN_ROLE, [], []) == []


def test_postgres_attributes_and_privileges_become_findings():
    role = CLEAN_ROLE | {"rolsuper": True, "rolcreatedb": True, "rolcreaterole": True, "db_create": True}
    found = postgres_findings(role, ["public"], [("public", "orders", ["INSERT", "TRUNCATE"])], more_tables=True)
    assert _codes(found) == ["SUPERUSER", "CREATEDB", "CREATEROLE", "CREATE_ON_DATABASE", "CREATE_ON_SCHEMA",
                             "WRITE_ON_TABLE", "WRITE_ON_TABLE"]
    table = found[5]
    assert table.object == "public.orders" and "INSERT, TRUNCATE" in table.message
    assert "more writable tables" in found[6].message


def test_a_missing_role_row_cannot_be_judged():
    assert _codes(postgres_findings({}, [], [])) == ["INSPECTION_FAILED"]


def test_mysql_select_show_view_usage_and_process_are_allowed():
    grants = [
        "GRANT USAGE ON *.* TO `reader`@`%` IDENTIFIED BY PASSWORD '*ABCDEF0123456789'",
        "GRANT PROCESS ON *.* TO `reader`@`%`",
        "GRANT SELECT, SHOW VIEW ON `shop`.* TO `reader`@`%`",
        "GRANT SELECT (`id`, `amount`) ON `shop`.`orders` TO `reader`@`%`",
    ]
    assert mysql_findings(grants) == []


def test_mysql_write_privileges_grant_option_proxy_and_roles_are_findings():
    grants = [
        "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION",
        "GRANT SELECT, INSERT, UPDATE (`amount`), DELETE ON `shop`.* TO `app`@`%`",
        "GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION",
        "GRANT `reporting` TO `app`@`%`",
    ]
    found = mysql_findings(grants)
    messages = [f.message for f in found]
    assert "the account holds ALL PRIVILEGES on *.*" in messages
    assert {"the account holds INSERT on `shop`.*", "the account holds UPDATE on `shop`.*",
            "the account holds DELETE on `shop`.*"} <= set(messages)
    assert _codes(found).count("GRANT_OPTION") == 2
    assert "PROXY" in _codes(found) and "ROLE" in _codes(found)


def test_password_hashes_never_reach_a_finding():
    found = mysql_findings(["GRANT INSERT ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*SECRETHASH'"])
    assert found and all("SECRETHASH" not in f"{f.message}{f.object}" for f in found)
