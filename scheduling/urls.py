from . import views_calendar, views_feed, views_memos, views_pickers, views_tasks

app_name = "scheduling"

urlpatterns = [
    *views_calendar.urlpatterns,
    *views_feed.urlpatterns,
    *views_pickers.urlpatterns,
    # --- memos and tasks ---
    *views_memos.urlpatterns,
    *views_tasks.urlpatterns,
]
