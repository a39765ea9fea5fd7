"""Roles granted on a page hold on its translations: the editors and moderators granted the
French tree get the same permissions (and the moderation workflow) on the English tree."""

from django.db import migrations


def translations_grant(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    for grant in list(GroupPagePermission.objects.select_related("page")):
        translations = Page.objects.filter(translation_key=grant.page.translation_key).exclude(
            pk=grant.page_id
        )
        for page in translations:
            GroupPagePermission.objects.get_or_create(
                group_id=grant.group_id, page=page, permission_id=grant.permission_id
            )
    for workflow_page in list(WorkflowPage.objects.select_related("page")):
        translations = Page.objects.filter(
            translation_key=workflow_page.page.translation_key
        ).exclude(pk=workflow_page.page_id)
        for page in translations:
            WorkflowPage.objects.get_or_create(
                page=page, defaults={"workflow_id": workflow_page.workflow_id}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_outbox_channels"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(translations_grant, migrations.RunPython.noop)]
