"""Every role against every endpoint: who may read and who may write.

The expected table is written out here, independently of tracker/access.py, so a change to the
matrix (or a new endpoint) must be reflected in this table deliberately.
"""

from __future__ import annotations

import re

from tests.access.conftest import auth

ROLES = ["public", "secretariat", "procurement", "clinician", "forum", "admin", "coordinator",
         "committee", "medical_director"]
ALL = set(ROLES)
LOGGED_IN = ALL - {"public"}
SECRETARIAT = {"secretariat", "admin"}
# Individual access: who reads the register and who takes steps in it (each step is checked
# again per role and trust by the workflow; here only the door).
CASES_READ = LOGGED_IN
CASES_WRITE = {"secretariat", "coordinator", "medical_director", "clinician", "procurement",
               "admin"}
COMMITTEE_READ = {"secretariat", "coordinator", "committee", "forum", "admin"}
COMMITTEE_WRITE = {"coordinator", "admin"}

EXPECTED: dict[tuple[str, str], set[str]] = {
    ("GET", "/api/v1/health"): ALL,
    ("GET", "/api/v1/methods"): ALL,
    ("POST", "/api/v1/methods"): SECRETARIAT,
    ("GET", "/api/v1/methods/{method_id}"): ALL,
    ("PATCH", "/api/v1/methods/{method_id}"): SECRETARIAT,
    ("GET", "/api/v1/decisions"): ALL,
    ("POST", "/api/v1/decisions"): SECRETARIAT,
    ("GET", "/api/v1/decisions/{decision_id}"): ALL,
    ("PATCH", "/api/v1/decisions/{decision_id}"): SECRETARIAT,
    ("GET", "/api/v1/introductions"): ALL,
    ("POST", "/api/v1/introductions"): SECRETARIAT,
    ("GET", "/api/v1/introductions/{introduction_id}"): ALL,
    ("PATCH", "/api/v1/introductions/{introduction_id}"): SECRETARIAT,
    ("POST", "/api/v1/introductions/{introduction_id}/outcome-measures"): SECRETARIAT,
    ("PATCH", "/api/v1/introductions/{introduction_id}/outcome-measures/{measure_id}"): SECRETARIAT,
    ("POST", "/api/v1/introductions/{introduction_id}/milestones"): SECRETARIAT,
    ("PATCH", "/api/v1/introductions/{introduction_id}/milestones/{milestone_id}"): SECRETARIAT,
    ("PUT", "/api/v1/introductions/{introduction_id}/assumptions/{endpoint}"): SECRETARIAT,
    ("POST", "/api/v1/introductions/{introduction_id}/analysis-plans"): SECRETARIAT,
    ("GET", "/api/v1/data-sources"): ALL,
    ("POST", "/api/v1/data-sources"): SECRETARIAT,
    ("GET", "/api/v1/data-sources/{source_id}"): ALL,
    ("PATCH", "/api/v1/data-sources/{source_id}"): SECRETARIAT,
    ("GET", "/api/v1/agreements"): ALL,
    ("POST", "/api/v1/agreements"): {"procurement", "admin"},
    ("GET", "/api/v1/agreements/{agreement_id}"): ALL,
    ("PATCH", "/api/v1/agreements/{agreement_id}"): {"procurement", "admin"},
    ("GET", "/api/v1/audit/{entity}/{entity_id}"): {"secretariat", "procurement", "forum", "admin"},
    ("GET", "/api/v1/deadlines"): LOGGED_IN,
    ("GET", "/api/v1/deadlines.csv"): LOGGED_IN,
    ("GET", "/api/v1/deadlines.xlsx"): LOGGED_IN,
    ("GET", "/api/v1/calendar.ics"): LOGGED_IN,
    ("GET", "/api/v1/flags"): LOGGED_IN,
    ("GET", "/api/v1/flags/{flag_id}"): LOGGED_IN,
    ("POST", "/api/v1/flags/{flag_id}/acknowledge"): {"secretariat", "procurement", "admin"},
    ("POST", "/api/v1/flags/{flag_id}/snooze"): {"secretariat", "procurement", "admin"},
    ("POST", "/api/v1/flags/sweep"): {"secretariat", "procurement", "admin"},
    ("GET", "/api/v1/notifications"): LOGGED_IN,
    ("POST", "/api/v1/notifications/{notification_id}/read"): LOGGED_IN,
    ("GET", "/api/v1/notification-preferences/{email}"): LOGGED_IN,
    ("PUT", "/api/v1/notification-preferences/{email}"): LOGGED_IN,
    ("POST", "/api/v1/introductions/{introduction_id}/reassessments"): {
        "secretariat",
        "forum",
        "admin",
    },
    ("GET", "/api/v1/introductions/{introduction_id}/reassessments"): LOGGED_IN,
    ("GET", "/api/v1/reassessments"): LOGGED_IN,
    ("GET", "/api/v1/reassessments/{case_id}"): LOGGED_IN,
    ("POST", "/api/v1/reassessments/{case_id}/transitions"): {"secretariat", "forum", "admin"},
    ("POST", "/api/v1/reassessments/{case_id}/decision"): {"secretariat", "forum", "admin"},
    ("GET", "/api/v1/phaseout-plans/{plan_id}"): LOGGED_IN,
    ("POST", "/api/v1/phaseout-plans/{plan_id}/steps/{step_id}/done"): {
        "secretariat",
        "forum",
        "admin",
    },
    ("GET", "/api/v1/introductions/{introduction_id}/outcomes"): ALL,
    ("GET", "/api/v1/introductions/{introduction_id}/outcomes/breakdown"): ALL,
    ("POST", "/api/v1/introductions/{introduction_id}/feeds"): SECRETARIAT,
    ("GET", "/api/v1/introductions/{introduction_id}/feeds"): LOGGED_IN,
    ("GET", "/api/v1/feeds/{delivery_id}"): LOGGED_IN,
    ("GET", "/api/v1/feeds/{delivery_id}/patients"): {"secretariat", "clinician", "admin"},
    ("GET", "/api/v1/access-cases"): CASES_READ,
    ("GET", "/api/v1/access-cases/{case_id}"): CASES_READ,
    ("PATCH", "/api/v1/access-cases/{case_id}"): CASES_WRITE,
    ("POST", "/api/v1/access-cases/access-scheme"): CASES_WRITE,
    ("POST", "/api/v1/access-cases/exceptions"): CASES_WRITE,
    ("POST", "/api/v1/access-cases/group-exceptions"): CASES_WRITE,
    ("POST", "/api/v1/access-cases/{case_id}/steps"): CASES_WRITE,
    ("POST", "/api/v1/access-cases/{case_id}/committee-decision"): CASES_WRITE,
    ("GET", "/api/v1/group-exceptions"): ALL,
    ("GET", "/api/v1/health-trusts"): ALL,
    ("GET", "/api/v1/access-statistics"): ALL,
    ("GET", "/api/v1/access-statistics.csv"): ALL,
    ("GET", "/api/v1/access-statistics.xlsx"): ALL,
    ("POST", "/api/v1/agreements/{agreement_id}/settlements"): {"procurement", "admin"},
    ("GET", "/api/v1/agreements/{agreement_id}/settlements"): {"procurement", "forum", "admin"},
    ("GET", "/api/v1/settlements/{settlement_id}"): {"procurement", "forum", "admin"},
    ("GET", "/api/v1/settlements/{settlement_id}/lines"): {"procurement", "forum", "admin"},
    ("GET", "/api/v1/settlements/{settlement_id}/lines.csv"): {"procurement", "forum", "admin"},
    ("GET", "/api/v1/settlements/{settlement_id}/lines.xlsx"): {"procurement", "forum", "admin"},
    ("POST", "/api/v1/credit-notes/{credit_note_id}/transitions"): {"procurement", "admin"},
    ("GET", "/api/v1/agreements/{agreement_id}/reckoning"): {"procurement", "forum", "admin"},
    ("GET", "/api/v1/agreements/{agreement_id}/settlement-counts"): LOGGED_IN,
    ("GET", "/api/v1/committee/members"): COMMITTEE_READ,
    ("POST", "/api/v1/committee/members"): COMMITTEE_WRITE,
    ("PATCH", "/api/v1/committee/members/{member_id}"): COMMITTEE_WRITE,
    ("GET", "/api/v1/committee/meetings"): COMMITTEE_READ,
    ("POST", "/api/v1/committee/meetings"): COMMITTEE_WRITE,
    ("POST", "/api/v1/committee/meetings/plan"): COMMITTEE_WRITE,
    ("GET", "/api/v1/committee/meetings/{meeting_id}"): COMMITTEE_READ,
    ("POST", "/api/v1/committee/meetings/{meeting_id}/papers"): COMMITTEE_WRITE,
    ("PUT", "/api/v1/committee/meetings/{meeting_id}/attendance"): COMMITTEE_WRITE,
}


def _concrete(path: str, role: str) -> str:
    values = {"endpoint": "OS", "entity": "methods", "email": f"{role}@example.org"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "1"), path)


def test_every_operation_is_in_the_expected_table(client):
    document = client.get("/api/v1/openapi.json").json
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    missing = sorted(operations - set(EXPECTED))
    assert not missing, f"add these operations to the access table: {missing}"


def test_every_role_against_every_endpoint(app, client, tokens):
    document = client.get("/api/v1/openapi.json").json
    anonymous = app.test_client()
    wrong = []
    for path, item in document["paths"].items():
        for method in item:
            allowed = EXPECTED[(method.upper(), path)]
            for role in ROLES:
                headers = auth(tokens.get(role))
                kwargs = {"json": {}} if method.upper() in {"POST", "PUT", "PATCH"} else {}
                if path.endswith("/feeds") and method == "post":
                    kwargs = {"data": {}}
                response = anonymous.open(
                    _concrete(path, role), method=method.upper(), headers=headers, **kwargs
                )
                denied = response.status_code in (401, 403)
                expected_status = 401 if role == "public" else 403
                if role in allowed and denied:
                    wrong.append(f"{role} refused {method.upper()} {path}: {response.json}")
                if role not in allowed and response.status_code != expected_status:
                    wrong.append(f"{role} got {response.status_code} on {method.upper()} {path}")
                assert response.status_code < 500, (role, method, path, response.data[:300])
    assert not wrong, "\n".join(wrong)
