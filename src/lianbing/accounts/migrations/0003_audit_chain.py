"""Hash chain over the audit trail, new audit actions, and the REPLACE guard on SQLite.

The guard triggers are taken off while the columns are added and the existing
rows chained (an UPDATE they would refuse), then put back with the new
SQLite trigger. Reversible.
"""

from django.db import migrations, models

from lianbing.accounts import audit_chain, audit_guard

OLD_ACTIONS = [
    ("create", "新增"),
    ("update", "修改"),
    ("delete", "删除"),
    ("view", "查看"),
    ("export", "导出"),
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("logout", "退出"),
    ("access", "访问页面"),
    ("grant", "授予角色"),
]
NEW_ACTIONS = [
    *OLD_ACTIONS,
    ("login_pending", "密码正确，待两步验证"),
    ("otp_setup", "启用两步验证"),
    ("otp_failed", "两步验证失败"),
    ("password_reset", "管理员重置密码"),
    ("restore", "恢复备份"),
]


def chain_existing(apps, schema_editor):
    event_model = apps.get_model("accounts", "AuditEvent")
    db = schema_editor.connection.alias
    prev = audit_chain.GENESIS
    rows = event_model.objects.using(db).order_by("id").values("id", *audit_chain.FIELDS)
    for row in rows.iterator():
        digest = audit_chain.row_hash(row, prev)
        event_model.objects.using(db).filter(pk=row["id"]).update(prev_hash=prev, row_hash=digest)
        prev = digest


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_auditevent"),
    ]

    operations = [
        migrations.RunPython(audit_guard.uninstall, audit_guard.install),
        migrations.RemoveConstraint(model_name="auditevent", name="audit_action_known"),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(choices=NEW_ACTIONS, max_length=20, verbose_name="操作"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("action__in", [value for value, _ in NEW_ACTIONS])),
                name="audit_action_known",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="前一条哈希", default=""
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="row_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="哈希", default=""
            ),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(audit_guard.install, audit_guard.uninstall),
    ]
