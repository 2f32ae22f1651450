"""The agencies' callbacks: signed JSON answers about linked records (docs/interconnect-protocol.md)."""

import json
import uuid
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from egov.accounts.gates import public
from interconnect import services
from interconnect.services import AnswerOutcome
from interconnect.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, agency_secret, signature_problem
from procedures.models import Agency

ANSWER_STATUSES = frozenset({"completed", "rejected"})
RESPONSES: dict[AnswerOutcome, tuple[int, dict[str, str]]] = {
    AnswerOutcome.APPLIED: (200, {"status": "ok"}),
    AnswerOutcome.REPEAT: (200, {"status": "ok"}),
    AnswerOutcome.CONFLICT: (409, {"error": "conflict"}),
    AnswerOutcome.UNKNOWN_RECORD: (404, {"error": "not_found"}),
    AnswerOutcome.INVALID: (400, {"error": "invalid"}),
}


def callback_parse(body: bytes) -> dict[str, Any] | None:
    """The answer's fields as the service takes them, or None when the body is not a well-formed answer."""
    try:
        answer = json.loads(body)
        if not isinstance(answer, dict) or answer.get("status") not in ANSWER_STATUSES:
            return None
        return {
            "event_id": uuid.UUID(str(answer["event_id"])),
            "record_uuid": uuid.UUID(str(answer["id"])),
            "status": answer["status"],
            "result": answer.get("result", {}),
            "reason": answer.get("reason", ""),
        }
    except (ValueError, KeyError):
        return None


# The agency is not a browser session: its signature is the authentication, so no CSRF token and no login.
@public
@csrf_exempt
@require_POST
def agency_callback(request: HttpRequest, agency: str) -> JsonResponse:
    if agency not in Agency.values:
        return JsonResponse({"error": "not_found"}, status=404)
    body = request.body
    problem = signature_problem(
        secret=agency_secret(agency),
        timestamp=request.headers.get(TIMESTAMP_HEADER),
        given=request.headers.get(SIGNATURE_HEADER),
        body=body,
    )
    if problem:
        services.agency_callback_refuse(agency=agency, body=body, why=problem)
        return JsonResponse({"error": "bad_signature"}, status=403)
    answer = callback_parse(body)
    if answer is None:
        return JsonResponse({"error": "malformed"}, status=400)
    outcome = services.linked_record_answer(agency=agency, body=body.decode("utf-8", "replace"), **answer)
    status, content = RESPONSES[outcome]
    return JsonResponse(content, status=status)
