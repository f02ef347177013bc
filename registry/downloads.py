"""How a list export reaches the person: a CSV streamed, an .xlsx written while they wait, or a long
.xlsx prepared on the task queue (registry.export_jobs) for them to download from the job's page."""

import tempfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

from privacy import access

from . import export_jobs, exports
from .exports import ListExporter, csv_lines, write_xlsx
from .formatting import thousands
from .spreadsheets import CONTENT_TYPE, TooManyRowsForXlsx


def logged_when_sent(rows: Iterable, log_entry) -> Iterator:
    """The rows as they are sent; once the last is, the access log entry is written with their count.

    A CSV streams after the view (and the request's access log) is done, so it writes its own entry.
    """
    count = -1  # the header is no row of data
    for row in rows:
        count += 1
        yield row
    log_entry.rows = max(count, 0)
    log_entry.save()


def csv_response(exporter: ListExporter, *, log_entry=None) -> StreamingHttpResponse:
    """The export as a CSV that is sent while the rows are read, never whole in memory."""
    rows = exporter.rows() if log_entry is None else logged_when_sent(exporter.rows(), log_entry)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, exporter.filename("csv"))
    return response


def xlsx_response(exporter: ListExporter, *, rows: int | None = None) -> FileResponse:
    """The export as an .xlsx built in a temporary file on disk, then sent from it.

    Raises TooManyRowsForXlsx before anything is written when the list is longer than exports.XLSX_WEB_ROWS.
    `rows`, when the caller has counted them already (up to exports.XLSX_WEB_ROWS + 1), saves the count.
    """
    if rows is None:
        rows = count_up_to(exporter, exports.XLSX_WEB_ROWS + 1)
    if rows > exports.XLSX_WEB_ROWS:
        raise TooManyRowsForXlsx
    # Not a `with`: FileResponse closes the file once it is sent, and the closed file is deleted.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        write_xlsx(exporter, output)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=exporter.filename("xlsx"),
        content_type=CONTENT_TYPE,
    )


def count_up_to(exporter: ListExporter, limit: int) -> int:
    """The list's rows, counted no further than `limit`: cheap however long the list."""
    return exporter.queryset.order_by()[:limit].count()


def export_response(request, exporter: ListExporter, *, list_url: str):
    """A list's export in the format asked for: `?format=xlsx` (also when none is given) or `csv`.

    An .xlsx of more than settings.EXPORT_QUEUE_ROWS rows is prepared on the task queue when the list's
    export is registered there (registry.export_jobs): the person follows the job's page to the download.
    Otherwise a list too long for an .xlsx made while the person waits (XLSX_WEB_ROWS) sends them back
    to the list, filter kept, with a word on using the CSV instead. The CSV always streams.
    """
    export_format = request.GET.get("format", "xlsx")
    parameters = request.GET.copy()
    parameters.pop("format", None)
    if export_format == "csv":
        log_entry = access.request_entry(request, kind=access.Kind.EXPORT, filter=parameters.urlencode())
        return csv_response(exporter, log_entry=log_entry)
    if export_format != "xlsx":
        raise Http404("Format unduhan tidak dikenal.")
    name = request.resolver_match.view_name
    rows = count_up_to(exporter, exports.XLSX_WEB_ROWS + 1)
    if rows > settings.EXPORT_QUEUE_ROWS and export_jobs.is_queueable(name):
        export_job = export_jobs.export_job_create(
            user=request.user,
            name=name,
            exporter=exporter,
            parameters=parameters,
            url_kwargs=request.resolver_match.kwargs,
        )
        return redirect(export_job)
    try:
        response = xlsx_response(exporter, rows=rows)
        access.note(request, access.Kind.EXPORT, filter=parameters.urlencode(), rows=rows)
        return response
    except TooManyRowsForXlsx:
        messages.error(
            request,
            f"Daftar ini lebih dari {thousands(exports.XLSX_WEB_ROWS)} baris, terlalu panjang untuk dibuat "
            "sebagai .xlsx sambil Anda menunggu. Persempit saringan atau unduh sebagai .csv.",
        )
        params = request.GET.copy()
        params.pop("format", None)
        return redirect(f"{list_url}?{params.urlencode()}" if params else list_url)
