from django.shortcuts import render


def not_found(request, exception=None):
    """One page for "does not exist" and "not yours": nothing tells them apart."""
    return render(request, "core/forbidden.html", status=404)
