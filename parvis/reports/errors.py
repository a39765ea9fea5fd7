"""Domain errors of reports: each one is a clear 4xx for the person who caused it."""

from __future__ import annotations

from parvis.core.errors import ParvisError


class ReportInvalid(ParvisError):
    """The submission cannot be accepted as it is (missing location, too long…)."""


class ReportAccessDenied(ParvisError):
    status_code = 403


class ReportNotFound(ParvisError):
    status_code = 404


class PhotoInvalid(ParvisError):
    """The file is not a picture we accept."""


class PhotoTooLarge(ParvisError):
    status_code = 413


class PhotoStorageUnavailable(ParvisError):
    """The file storage (a disk, an S3 bucket) refused or could not be reached: try again."""

    status_code = 503
