"""The merchant's notification when a push job ends with failures (the guide's "View Details")."""

from __future__ import annotations

from tts_connector.alerts import AlertPublisher
from tts_connector.jobs.records import ItemStatus, Job
from tts_connector.jobs.store import JobStore

SHOWN = 20


def notify_if_failed(job: Job, jobs: JobStore, alerts: AlertPublisher) -> bool:
    """Publish one alert for a finished job that has failed items; True if one was sent."""
    if job.failed == 0:
        return False
    lines = [f"Product push {job.job_id} finished: {job.succeeded} succeeded, {job.failed} failed.", ""]
    for index, item in enumerate(jobs.items(job.job_id, ItemStatus.FAILED)):
        if index == SHOWN:
            lines.append(f"... and {job.failed - SHOWN} more")
            break
        failure = item.failure
        text = failure.message if failure else "failed"
        lines.append(f"- {item.item_key}: {text}" + (f" (fix: {failure.hint})" if failure and failure.hint else ""))
    lines += ["", f"Details: `ttsc jobs show {job.job_id}`; after fixing: `ttsc jobs retry {job.job_id}`."]
    alerts.publish(f"Product push: {job.succeeded} succeeded, {job.failed} failed", "\n".join(lines))
    return True
