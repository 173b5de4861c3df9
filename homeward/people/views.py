"""Staff pages of the person registry: search, register, view (audited), photo."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.errors import DomainError
from homeward.core.form_errors import apply_errors
from homeward.core.models import User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_PERSON_ADD, P_PERSON_VIEW
from homeward.people.forms import PersonForm
from homeward.people.selectors import can_see_identity, mask, person_get_for_user, persons_search
from homeward.people.services import PersonError, person_create

FIELD_OF_ERROR = {
    PersonError.DUPLICATE_ID_NUMBER: "id_number",
    PersonError.BAD_PHOTO: "photo",
}


def _user(request: HttpRequest) -> User:
    return current_user(request)


@requires(P_PERSON_VIEW)
def person_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    query = request.GET.get("q", "")[:64]
    persons = persons_search(user, query=query)
    page = Paginator(persons, 25).get_page(request.GET.get("page"))
    template = (
        "people/_person_rows.html"
        if request.headers.get("HX-Request")
        else "people/person_list.html"
    )
    return render(request, template, {"page": page, "query": query})


@requires(P_PERSON_VIEW)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = person_get_for_user(user, pk)
    full = can_see_identity(user, person)
    identity = {
        "id_number": person.id_number if full else mask(person.id_number, keep_start=6, keep_end=0),
        "phone": person.phone if full else mask(person.phone),
        "address": person.address if full else mask(person.address, keep_start=4, keep_end=0),
    }
    return render(
        request,
        "people/person_detail.html",
        {"person": person, "identity": identity, "full_identity": full, "age": person.age_on()},
    )


@requires(P_PERSON_ADD)
def person_create_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    municipal = user.agency.is_municipal
    form = PersonForm(request.POST or None, request.FILES or None, municipal=municipal)
    if request.method == "POST" and form.is_valid():
        fields = form.person_fields()
        if fields.get("estimated_age_years") is not None:
            fields["age_estimated_on"] = timezone.localdate()
        try:
            person = person_create(
                actor=user,
                division=form.cleaned_data.get("division"),
                photo=form.cleaned_data.get("photo"),
                **fields,
            )
        except (ValidationError, DomainError) as error:
            apply_errors(form, error, field_of_code=FIELD_OF_ERROR)
        else:
            messages.success(request, _("The person has been registered."))
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form})


@requires(P_PERSON_VIEW)
def person_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    person = person_get_for_user(_user(request), pk, purpose="photo")
    if not person.photo:
        raise Http404
    response = FileResponse(person.photo.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    return response
