from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone

from registry.selectors import registry_summary


@permission_required("registry.view_business", raise_exception=True)
def home(request):
    return render(
        request,
        "dashboard/home.html",
        {"summary": registry_summary(), "today": timezone.localdate()},
    )
