from django.db import migrations

# PostgreSQL only (the production database): prefix and trigram indexes for search.
# LIKE 'x%' uses a btree only with a pattern operator class unless the collation is "C";
# trigrams index Chinese only when the database's character type is UTF-8.
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS owners_party_name_prefix ON owners_party "
    "(name varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS owners_party_name_trgm ON owners_party "
    "USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS owners_vehicle_plate_prefix ON owners_vehicle "
    "(plate varchar_pattern_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS owners_party_name_prefix",
    "DROP INDEX IF EXISTS owners_party_name_trgm",
    "DROP INDEX IF EXISTS owners_vehicle_plate_prefix",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("owners", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
