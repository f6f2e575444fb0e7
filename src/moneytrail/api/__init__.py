"""The screening service (``moneytrail serve``): a REST API over the Screener and the store.

:func:`~moneytrail.api.app.create_app` builds the app over a
:class:`~moneytrail.api.service.Service`; :mod:`~moneytrail.api.dialects` holds the yente,
Watchman and moneytrail request and response shapes; :mod:`~moneytrail.api.security` the keys,
roles and rate limits; :mod:`~moneytrail.api.observe` metrics, logs and call records.
"""
