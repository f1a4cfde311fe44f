"""`field__in_array=values`: `field__in` for long lists of values, cheaper to build on PostgreSQL.

Django's `__in` writes one placeholder per value, and psycopg (binding on the client, as Django
has it) then finds and fills each of them in the query's text: for 500 values, 1.1 ms of the
importing process's CPU more than sending the values as one array, `= ANY(%s)` (0.6 ms instead
of 1.7 ms). The importer looks up each batch by hundreds of URLs and content hashes several times
over: about 0.2 s for 10,000 documents. On other databases, and for a subquery, it is `__in`.

For fields other than relations (a foreign key's lookups are its own), and for values that can be
hashed: what the importer asks.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.lookups import In
from django.utils.datastructures import OrderedSet


@Field.register_lookup
class InArray(In):
    lookup_name = "in_array"

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():  # a subquery
            return super().as_sql(compiler, connection)
        values = OrderedSet(self.rhs)
        values.discard(None)  # NULL is never equal to anything, as for __in
        if not values:
            raise EmptyResultSet
        field = self.lhs.output_field
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return (f"{lhs_sql} = ANY(%s)",
                [*lhs_params, [field.get_db_prep_value(value, connection, prepared=True) for value in values]])
