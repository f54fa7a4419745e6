# Short forms staff read at a glance on lists, boards and histories (11月27日 09:30).
SHORT_DATETIME_FORMAT = "n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
