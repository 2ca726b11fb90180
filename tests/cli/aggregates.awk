# aggregates.awk -- test input for the aggregates the archive keeps at ingest (used by
# store.sh and pg.sh): 700 articles, Dutch and English, that report the same events on
# the same few days (so one-a-day groups span the two languages), with month-only and
# YYMMDD dates.  Every text has the marker word "kroniekalle", so a query with
# --text kroniekalle takes the path over the stored events instead of the aggregates.
# Usage: awk -f tests/cli/aggregates.awk > FILE.jsonl
BEGIN {
    split("Russia threatened Ukraine with sanctions on Monday.|The United States met Russia in Geneva.|China criticized Japan.|Germany praised France.|Russia attacked Ukraine.", en, "|")
    split("Rusland dreigde Oekraïne maandag met sancties.|De Verenigde Staten ontmoetten Rusland in Genève.|China bekritiseerde Japan.|Duitsland prees Frankrijk.|Rusland viel Oekraïne aan.", nl, "|")
    split("2020-03 2020-03-01 2020-03-02 200303 2021-07-09 2019-12-31 2020-01-01 2020-02-29", d, " ")
    srand(7)
    for (i = 0; i < 700; i++) {
        lang = rand() < 0.5 ? "nl" : "en"; t = ""
        for (k = int(rand() * 4) + 1; k > 0; k--) t = t (lang == "nl" ? nl[int(rand() * 5) + 1] : en[int(rand() * 5) + 1]) " "
        printf "{\"id\":\"agg-%d\",\"date\":\"%s\",\"lang\":\"%s\",\"text\":\"%s kroniekalle %d.\"}\n", i, d[int(rand() * 8) + 1], lang, t, i
    }
}
