from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_audit_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="password_reset_by",
            field=models.CharField(blank=True, max_length=150, verbose_name="密码重置人"),
        ),
        migrations.AddField(
            model_name="profile",
            name="password_reset_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="密码重置时间"),
        ),
    ]
