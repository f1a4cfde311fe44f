"""Admin login throttling: django-axes' database handler, with a second limit for one address.

Failures are counted for a user name at an address together (AXES_LOCKOUT_PARAMETERS), so that a
guesser elsewhere cannot lock the real user out; and for an address whatever the user names, up
to NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT, so that one address cannot try name after name. A user
name alone is never locked.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class LoginThrottle(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures axes compares with AXES_FAILURE_LIMIT: the user name's at this address, or
        the limit itself once the address has failed too often (axes' one comparison serves both)."""
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def address_failures(self, request) -> int:
        """Failed logins from the request's address within the cool-off time, for any user name."""
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
