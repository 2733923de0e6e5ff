"""The bandi's queued work: the provvedimento's PDF, rendered after submission by the task worker (the queue
primitives are in `cse.core.tasks`)."""

from __future__ import annotations

import logging

from django_tasks import task

from cse.core.tasks import retry_later

from .provvedimento.actions import provvedimento_document_render

logger = logging.getLogger(__name__)


@task()
def render_provvedimento_document(provvedimento_id: int, richiesta: int, attempt: int = 1) -> bool:
    """The document of submission number `richiesta`; a failure is retried, a superseded submission is skipped."""
    try:
        return provvedimento_document_render(provvedimento_id=provvedimento_id, richiesta=richiesta)
    except Exception:
        logger.warning("PDF del provvedimento %s non generato (tentativo %s)", provvedimento_id, attempt)
        retry_later(render_provvedimento_document, attempt, provvedimento_id, richiesta, attempt)
        raise
