"""What every write route answers: the committed change (or that nothing changed)."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from ..kb.log import Change


def change_answer(change: Change | None, **extra: object) -> JSONResponse:
    if change is None:
        return JSONResponse({"status": "ok", "change": None, "added": 0, "removed": 0, **extra})
    head = change.head()
    return JSONResponse(
        {
            "status": "ok",
            "change": head["id"],
            "added": head["added"],
            "removed": head["removed"],
            "records": head["records"],
            **extra,
        }
    )
