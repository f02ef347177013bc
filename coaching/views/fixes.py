"""The "data to fix" page of a programme."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render

from .. import selectors
from ..models import Programme


# Fixing the records is staf's work: change_programme is the right staf and admin hold and a
# pendamping or pimpinan does not.
@permission_required("coaching.change_programme", raise_exception=True)
def data_to_fix(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    return render(
        request,
        "coaching/data_to_fix.html",
        {"programme": programme, "fix": selectors.data_to_fix(programme)},
    )
