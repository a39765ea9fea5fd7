"""The back-office roles: Éditeurs write, Modérateurs publish, Agents answer residents, the
Comité d'éthique des données reviews who consulted residents' personal data.

Other apps add their own permissions to these groups (an agent's inbox, for instance) through
``role_grant``; this module only guarantees that the groups and the publication workflow exist.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "Éditeurs"
MODERATORS = "Modérateurs"
AGENTS = "Agents"
# Sees who consulted residents' personal data, per service and purpose (the access log).
DATA_ETHICS = "Comité d'éthique des données"
WORKFLOW_NAME = "Validation par un modérateur"

_PAGE_PERMS = {
    EDITORS: ["add_page", "change_page"],
    MODERATORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
_COLLECTION_PERMS = {
    EDITORS: [
        ("wagtailimages", "add_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "choose_document"),
    ],
    MODERATORS: [
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
    ],
}
# Snippets that certified pages display: Éditeurs draft changes, Modérateurs publish them.
_SNIPPET_MODELS = ["quartier", "audience", "theme", "service"]


def _perm(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def role_grant(*, group_name: str, app_label: str, codenames: list[str]) -> None:
    """Give a role model permissions (used by apps that bring their own back-office screens)."""
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*(_perm(app_label, codename) for codename in codenames))


@transaction.atomic
def roles_ensure(*, root: Page) -> dict[str, Group]:
    """Create the four groups with their permissions on ``root`` and the moderation workflow."""
    groups = {
        name: Group.objects.get_or_create(name=name)[0]
        for name in (EDITORS, MODERATORS, AGENTS, DATA_ETHICS)
    }
    for group in groups.values():
        group.permissions.add(_perm("wagtailadmin", "access_admin"))
    for name, codenames in _PAGE_PERMS.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=groups[name], page=root, permission=_perm("wagtailcore", codename)
            )
    collection = Collection.get_first_root_node()
    for name, perms in _COLLECTION_PERMS.items():
        for app_label, codename in perms:
            GroupCollectionPermission.objects.get_or_create(
                group=groups[name], collection=collection, permission=_perm(app_label, codename)
            )
    for model in _SNIPPET_MODELS:
        role_grant(
            group_name=EDITORS, app_label="content", codenames=[f"add_{model}", f"change_{model}"]
        )
        role_grant(
            group_name=MODERATORS,
            app_label="content",
            codenames=[
                f"add_{model}",
                f"change_{model}",
                f"delete_{model}",
                f"publish_{model}",
                f"lock_{model}",
                f"unlock_{model}",
            ],
        )
    role_grant(group_name=DATA_ETHICS, app_label="core", codenames=["view_access_log"])
    _workflow_ensure(root=root, moderators=groups[MODERATORS])
    return groups


def _workflow_ensure(*, root: Page, moderators: Group) -> Workflow:
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        task = GroupApprovalTask.objects.create(name="Relecture et publication")
        task.groups.set([moderators])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    for model in _SNIPPET_MODELS:
        content_type = ContentType.objects.get_by_natural_key("content", model)
        WorkflowContentType.objects.update_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )
    return workflow
