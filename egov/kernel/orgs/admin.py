"""Django admin for units, positions and memberships. Saving and deleting go through the services, so the
admin checks the same permissions and writes the same audit entries as every other way in."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from egov.kernel.access.policy import has_perm
from egov.kernel.accounts.models import User
from egov.kernel.errors import Rejected
from egov.kernel.identifiers import validate_division_code, validate_uscc
from egov.kernel.orgs import services
from egov.kernel.orgs.models import Membership, OrgUnit, Position


def _actor(request: HttpRequest) -> User:
    # The admin only serves signed-in staff, so the request's user is never anonymous here.
    return cast(User, request.user)


UNIT_FIELDS = ("name", "short_name", "code", "kind", "division_code", "sort_order", "uscc", "document_prefix")


class OrgUnitAdminForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = (*UNIT_FIELDS, "parent", "is_active")

    def clean_division_code(self) -> str:
        return validate_division_code(self.cleaned_data["division_code"])

    def clean_uscc(self) -> str:
        value = self.cleaned_data.get("uscc", "")
        return validate_uscc(value) if value else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, parent = data.get("kind"), data.get("parent")
        if kind:
            try:
                services.check_placement(kind=kind, parent=parent)
            except Rejected as exc:
                self.add_error(exc.field, exc.message)
        unit = self.instance
        if unit.pk and parent is not None and parent.path.startswith(unit.path):
            self.add_error("parent", _("不能将机构移动到其自身或其下级机构之下"))
        return data


class ServiceBackedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes are service calls; a ``Rejected`` that slips past form validation (for
    example someone else changed the row meanwhile) becomes an error message instead of a 500."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk delete would skip the per-object checks of the delete service.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except Rejected as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except Rejected as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.path.removesuffix("delete/") or request.path)

    @staticmethod
    def _adopt(obj: Model, saved: Model) -> None:
        """Make the admin's object the one the service saved (the admin needs its pk for the redirect)."""
        obj.__dict__.update({key: value for key, value in saved.__dict__.items() if not key.startswith("_")})
        obj._state.adding = False
        obj._state.db = saved._state.db


@admin.register(OrgUnit)
class OrgUnitAdmin(ServiceBackedAdmin):
    form = OrgUnitAdminForm
    list_display = ("name", "short_name", "code", "kind", "division_code", "document_prefix", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code", "document_prefix")
    readonly_fields = ("path", "depth")
    autocomplete_fields = ("parent",)
    ordering = ("path",)

    def has_view_permission(self, request: HttpRequest, obj: OrgUnit | None = None) -> bool:
        return has_perm(request.user, "orgs.view", obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, "orgs.manage")

    def has_change_permission(self, request: HttpRequest, obj: OrgUnit | None = None) -> bool:
        return has_perm(request.user, "orgs.manage", obj)

    def has_delete_permission(self, request: HttpRequest, obj: OrgUnit | None = None) -> bool:
        return has_perm(request.user, "orgs.manage", obj)

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        actor = _actor(request)
        if not change:
            unit = services.org_unit_create(
                actor=actor,
                parent=data["parent"],
                **{field: data[field] for field in UNIT_FIELDS},
            )
            if not data["is_active"]:
                unit = services.org_unit_update(actor=actor, unit=unit, is_active=False)
            self._adopt(obj, unit)
            return
        unit = obj
        if "parent" in form.changed_data and data["parent"] is not None:
            unit = services.org_unit_move(actor=actor, unit=unit, new_parent=data["parent"])
        changed = {field: data[field] for field in (*UNIT_FIELDS, "is_active") if field in form.changed_data}
        if changed:
            unit = services.org_unit_update(actor=actor, unit=unit, **changed)
        self._adopt(obj, unit)

    def delete_model(self, request: HttpRequest, obj: OrgUnit) -> None:
        services.org_unit_delete(actor=_actor(request), unit=obj)


@admin.register(Position)
class PositionAdmin(ServiceBackedAdmin):
    list_display = ("name", "rank", "is_leader")
    search_fields = ("name",)

    def has_view_permission(self, request: HttpRequest, obj: Position | None = None) -> bool:
        return has_perm(request.user, "orgs.view")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, "orgs.manage")

    def has_change_permission(self, request: HttpRequest, obj: Position | None = None) -> bool:
        return has_perm(request.user, "orgs.manage")

    def has_delete_permission(self, request: HttpRequest, obj: Position | None = None) -> bool:
        return has_perm(request.user, "orgs.manage")

    def save_model(self, request: HttpRequest, obj: Position, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = services.position_update(
                actor=_actor(request),
                position=obj,
                name=data["name"],
                rank=data["rank"],
                is_leader=data["is_leader"],
            )
        else:
            saved = services.position_create(
                actor=_actor(request),
                name=data["name"],
                rank=data["rank"],
                is_leader=data["is_leader"],
            )
        self._adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Position) -> None:
        services.position_delete(actor=_actor(request), position=obj)


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "org_unit", "position", "is_primary", "started_on")

    def clean_user(self) -> Any:
        user = self.cleaned_data["user"]
        if user.kind != "staff":
            raise ValidationError(_("只有公职人员可以加入机构"))
        return user


@admin.register(Membership)
class MembershipAdmin(ServiceBackedAdmin):
    form = MembershipAdminForm
    list_display = ("user", "org_unit", "position", "is_primary", "started_on")
    list_filter = ("is_primary", "org_unit__kind")
    search_fields = ("user__username", "user__real_name", "org_unit__name", "org_unit__code")
    raw_id_fields = ("user",)
    autocomplete_fields = ("org_unit",)
    list_select_related = ("user", "org_unit", "position")

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> tuple[str, ...]:
        # Moving a person is leaving one unit and joining another: two audited acts, not an edit.
        return ("user", "org_unit") if obj is not None else ()

    def has_view_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return has_perm(request.user, "orgs.view", obj.org_unit if obj else None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, "orgs.manage")

    def has_change_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return has_perm(request.user, "orgs.manage", obj.org_unit if obj else None)

    def has_delete_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return has_perm(request.user, "orgs.manage", obj.org_unit if obj else None)

    def save_model(self, request: HttpRequest, obj: Membership, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = services.membership_update(
                actor=_actor(request),
                membership=obj,
                position=data["position"],
                clear_position=data["position"] is None,
                is_primary=data["is_primary"],
                started_on=data["started_on"],
            )
        else:
            saved = services.membership_add(
                actor=_actor(request),
                user=data["user"],
                org_unit=data["org_unit"],
                position=data["position"],
                is_primary=data["is_primary"],
                started_on=data["started_on"],
            )
        self._adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_remove(actor=_actor(request), membership=obj)
