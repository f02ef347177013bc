"""The read-only JSON API for other agencies and the Satu Data portal (/api/v1/).

Built on Django REST framework with drf-spectacular: DRF's django-filter backend takes the registry
list's own BusinessFilter, so the API filters exactly as the list and its export do; DRF throttles per
token; drf-spectacular writes the OpenAPI 3 description from the same views and serializers. It sits
on top of both apps (registry and coaching), hence here in umkm_blitar.
"""
