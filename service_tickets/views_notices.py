"""Notices in force (停水通知…) for estates and buildings, and calls answered from them."""

urlpatterns: list = []
