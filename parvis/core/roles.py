"""The back-office roles: Éditeurs write, Modérateurs publish, Agents answer residents, the
Comité d'éthique des données reviews who consulted residents' personal data.

Other apps add their own permissions to these groups (an agent's inbox, for instance) through
``role_grant``; this module only guarantees that the groups and the publication workflow exist.

A role granted on a page holds on its translations too (the English tree is a copy of the French
one with its own root): ``roles_ensure`` grants it on every translation of the root, and a page
copied for translation later (the admin's "Translate" action) takes the grants and workflow of
its original (``translation_roles_follow``).
"""

from __future__ import annotations

from typing import Any

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
    trees = [root, *root.get_translations()]
    for name, codenames in _PAGE_PERMS.items():
        for codename in codenames:
            for tree in trees:
                GroupPagePermission.objects.get_or_create(
                    group=groups[name], page=tree, permission=_perm("wagtailcore", codename)
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
    for tree in [root, *root.get_translations()]:
        WorkflowPage.objects.update_or_create(page=tree, defaults={"workflow": workflow})
    for model in _SNIPPET_MODELS:
        content_type = ContentType.objects.get_by_natural_key("content", model)
        WorkflowContentType.objects.update_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )
    return workflow


def translation_roles_copy(*, source: Page, target: Page) -> int:
    """Give ``target`` (a translation of ``source``) the page permissions and the workflow set
    on ``source`` itself; returns how many permissions were added."""
    added = 0
    for grant in GroupPagePermission.objects.filter(page=source):
        _obj, created = GroupPagePermission.objects.get_or_create(
            group_id=grant.group_id, page=target, permission_id=grant.permission_id
        )
        added += created
    workflow_page = WorkflowPage.objects.filter(page=source).first()
    if workflow_page is not None:
        WorkflowPage.objects.get_or_create(
            page=target, defaults={"workflow": workflow_page.workflow}
        )
    return added


def translation_roles_follow(sender: Any, source_obj: Any, target_obj: Any, **kwargs: Any) -> None:
    """``copy_for_translation_done`` receiver: a new translation keeps its original's roles."""
    if isinstance(source_obj, Page) and isinstance(target_obj, Page):
        translation_roles_copy(source=source_obj, target=target_obj)
