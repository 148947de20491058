from django.db import migrations, models


def create_engine_schema(apps, schema_editor):
    from hemicycle.search import engines

    engines.create_schema(schema_editor.connection)


def drop_engine_schema(apps, schema_editor):
    from hemicycle.search import engines

    engines.drop_schema(schema_editor.connection)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("act_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("authority_id", models.BigIntegerField(db_index=True)),
                ("reference", models.CharField(max_length=60)),
                ("object", models.CharField(max_length=600)),
                ("public_object", models.CharField(blank=True, max_length=600)),
                ("text", models.TextField(blank=True)),
                ("report_text", models.TextField(blank=True)),
                ("public_text", models.TextField(blank=True)),
                ("date", models.DateField(blank=True, null=True)),
                ("nature", models.CharField(max_length=2)),
                ("matieres", models.CharField(blank=True, max_length=200)),
                ("matiere_labels", models.CharField(blank=True, max_length=600)),
                ("published", models.BooleanField(default=False)),
                ("confidential", models.BooleanField(default=False)),
                ("masked", models.BooleanField(default=False)),
                ("title_terms", models.TextField(blank=True)),
                ("body_terms", models.TextField(blank=True)),
                ("report_terms", models.TextField(blank=True)),
                ("class_terms", models.TextField(blank=True)),
                ("filter_terms", models.TextField(blank=True)),
                ("ptitle_terms", models.TextField(blank=True)),
                ("pbody_terms", models.TextField(blank=True)),
                ("checksum", models.CharField(blank=True, max_length=64)),
            ],
            options={
                "db_table": "search_entry",
                "indexes": [models.Index(fields=["authority_id", "date"], name="search_entry_auth_date")],
            },
        ),
        migrations.RunPython(create_engine_schema, drop_engine_schema),
    ]
