"""Contact groups, escalation policies, the delivery log and manual sends through the HTTP API."""

from __future__ import annotations

import uuid

GROUPS = "/api/v1/notifications/contact-groups"
POLICIES = "/api/v1/notifications/escalation-policies"


def _group(operator, **over):
    body = {"name": f"oncall-{uuid.uuid4().hex[:6]}",
            "members": [{"name": "Ann", "email": "ann@example.com", "phone": "+4915112345678"},
                        {"name": "Bob", "phone": "+4915187654321", "channels": ["sms"]}]}
    body.update(over)
    res = operator.post(GROUPS, body)
    assert res.status == 201, res
    return res.body


def _policy_body(group_id, **over):
    body = {"name": f"policy-{uuid.uuid4().hex[:6]}",
            "levels": [{"channels": ["email"], "targets": [{"contactGroupId": group_id}], "waitSeconds": 300},
                       {"channels": ["sms"], "targets": [{"contactGroupId": group_id}], "waitSeconds": 600}],
            "match": {"severities": ["CRITICAL"], "loaderCodes": ["ORDERS"]}}
    body.update(over)
    return body


def test_contact_group_crud_with_roles_and_audit(operator, viewer, admin):
    # GIVEN an operator creates a group
    group = _group(operator)
    assert group["members"][1]["channels"] == ["sms"]
    # THEN viewers read it, but cannot write
    assert viewer.get(f"{GROUPS}/{group['id']}").body["name"] == group["name"]
    assert viewer.post(GROUPS, {"name": "x", "members": [{"name": "a", "email": "a@b.cd"}]}).status == 403
    listed = viewer.get(GROUPS, query={"q": group["name"]}).body
    assert [g["id"] for g in listed["items"]] == [group["id"]] and listed["total"] == 1
    # WHEN it is updated, THEN the change is stored and audited with before/after
    res = operator.put(f"{GROUPS}/{group['id']}",
                       {"name": group["name"], "members": [{"name": "Cy", "email": "cy@x.io"}]})
    assert res.status == 200 and res.body["members"] == [{"name": "Cy", "email": "cy@x.io"}]
    audit = admin.get("/api/v1/audit", query={"entityId": group["id"]}).body["items"]
    actions = {a["action"]: a for a in audit}
    assert {"contact_group.create", "contact_group.update"} <= set(actions)
    assert actions["contact_group.update"]["before"]["members"][0]["name"] == "Ann"
    # AND deleting it removes it
    assert operator.delete(f"{GROUPS}/{group['id']}").status == 204
    assert viewer.get(f"{GROUPS}/{group['id']}").status == 404


def test_bad_group_input_is_a_400_naming_the_field(operator):
    res = operator.post(GROUPS, {"name": "x", "members": [{"name": "nobody"}]})
    assert res.status == 400
    assert any(d["field"].startswith("body.members.0") for d in res.body["error"]["details"])
    res = operator.post(GROUPS, {"name": "x", "members": [{"name": "a", "phone": "0151 123"}]})
    assert res.status == 400 and res.body["error"]["details"][0]["field"] == "body.members.0.phone"
    res = operator.post(GROUPS, {"name": "x", "members": [{"name": "a", "userId": str(uuid.uuid4())}]})
    assert res.status == 400 and res.body["error"]["details"][0]["field"] == "body.members.0.userId"
    name = f"dup-{uuid.uuid4().hex[:6]}"
    _group(operator, name=name)
    assert operator.post(GROUPS, {"name": name.upper(), "members": [{"name": "a", "email": "a@b.cd"}]}).status == 409


def test_policy_crud_validation_and_group_in_use(operator, viewer):
    group = _group(operator)
    res = operator.post(POLICIES, _policy_body(group["id"]))
    assert res.status == 201, res
    policy = res.body
    assert [lv["waitSeconds"] for lv in policy["levels"]] == [300, 600]
    assert policy["match"]["severities"] == ["CRITICAL"] and policy["isDefault"] is False
    assert viewer.get(f"{POLICIES}/{policy['id']}").body["id"] == policy["id"]
    assert viewer.post(POLICIES, _policy_body(group["id"])).status == 403

    # a target that does not exist is named
    bad = _policy_body(group["id"])
    bad["levels"][1]["targets"] = [{"contactGroupId": str(uuid.uuid4())}]
    res = operator.post(POLICIES, bad)
    assert res.status == 400 and res.body["error"]["details"][0]["field"] == "body.levels.1.targets.0.contactGroupId"
    # a policy routing can never choose is refused
    res = operator.post(POLICIES, _policy_body(group["id"], match=None))
    assert res.status == 400 and res.body["error"]["details"][0]["field"] == "body.match"
    # both kinds of target at once is refused
    bad = _policy_body(group["id"])
    bad["levels"][0]["targets"] = [{"contactGroupId": group["id"], "userId": str(uuid.uuid4())}]
    assert operator.post(POLICIES, bad).status == 400

    # the group cannot go while the policy targets it
    res = operator.delete(f"{GROUPS}/{group['id']}")
    assert res.status == 409 and policy["name"] in res.body["error"]["message"]

    # update shortens the waits; delete frees the group
    body = _policy_body(group["id"], name=policy["name"])
    body["levels"][0]["waitSeconds"] = 2
    assert operator.put(f"{POLICIES}/{policy['id']}", body).body["levels"][0]["waitSeconds"] == 2
    assert operator.delete(f"{POLICIES}/{policy['id']}").status == 204
    assert operator.delete(f"{GROUPS}/{group['id']}").status == 204


def test_only_one_default_policy(operator, viewer):
    group = _group(operator)
    first = operator.post(POLICIES, _policy_body(group["id"], isDefault=True, match=None)).body
    second = operator.post(POLICIES, _policy_body(group["id"], isDefault=True, match=None)).body
    assert viewer.get(f"{POLICIES}/{second['id']}").body["isDefault"] is True
    assert viewer.get(f"{POLICIES}/{first['id']}").body["isDefault"] is False
    for p in (first, second):
        operator.delete(f"{POLICIES}/{p['id']}")


def test_manual_send_validates_and_queues(operator, viewer):
    assert viewer.post("/api/v1/notifications/send", {"channel": "email", "recipient": "a@b.cd",
                                                     "subject": "s", "message": "m"}).status == 403
    res = operator.post("/api/v1/notifications/send", {"channel": "sms", "recipient": "a@b.cd",
                                                       "subject": "s", "message": "m"})
    assert res.status == 400 and res.body["error"]["details"][0]["field"] == "body.recipient"
    res = operator.post("/api/v1/notifications/send", {"channel": "email", "recipient": "a@b.cd"})
    assert res.status == 400
    res = operator.post("/api/v1/notifications/send", {"channel": "email", "recipient": "a@b.cd",
                                                       "subject": "Heads up", "message": "deploy at 5"})
    assert res.status == 202 and res.body["status"] == "queued" and res.body["requestId"]


def test_log_filters_validate(viewer):
    assert viewer.get("/api/v1/notifications/log", query={"channel": "pigeon"}).status == 400
    res = viewer.get("/api/v1/notifications/log", query={"channel": "email", "status": "failed", "size": 5})
    assert res.status == 200 and res.body["size"] == 5


def test_callback_without_a_valid_signature_is_401(client):
    res = client.post("/api/v1/notifications/callbacks/middleware", {"messageId": "m1", "status": "delivered"},
                      headers={"X-Vigil-Timestamp": "1", "X-Vigil-Signature": "v1=00"})
    assert res.status == 401
    assert client.post("/api/v1/notifications/callbacks/nosuch", {"messageId": "m"}).status == 404


def test_the_seed_installs_the_default_ladder_once(db, viewer, operator):
    from vigil.notifications import defaults

    policy_id = defaults.ensure_default_ladder(db)
    assert policy_id and defaults.ensure_default_ladder(db) is None
    policy = viewer.get(f"{POLICIES}/{policy_id}").body
    assert policy["isDefault"] is True
    assert [(lv["channels"], lv["waitSeconds"]) for lv in policy["levels"]] == [
        (["email"], 300), (["sms"], 600), (["ivr"], 900), (["email", "sms"], 0)]
    managers = viewer.get(f"{GROUPS}/{policy['levels'][3]['targets'][0]['contactGroupId']}").body
    assert managers["name"] == "Managers"
    assert operator.delete(f"{POLICIES}/{policy_id}").status == 204  # leave no default behind
