/** Plain-words explanations shown to users (tool descriptions, hovers, the README). */

/** How anomalies are found, in two short paragraphs. */
export const METHOD_EXPLANATION =
    'Each series is compared only with its own past. Three simple forecasts run side by side: the recent level, ' +
    'the recent level plus a learned daily pattern, and the recent level plus a learned weekly pattern; the one that ' +
    'has predicted this series best over the last two days or weeks is trusted, so daily or weekly rhythms are recognised ' +
    'when they exist (a quieter weekend too) and ignored when they do not. The patterns are carried forward by the series’ slow trend (its level’s pace over about two ' +
    'weeks), so a disk that fills steadily all month is normal, not a weekly step. ' +
    'Every forecast learns slowly and robustly, so a single outlier cannot drag it. ' +
    'The gap between the measurement and the forecast is measured in units of the series’ own typical noise, for the ' +
    'point itself and for the average of the last few points (so a sudden spike and a small shift or drift that ' +
    'persists are both noticed); rises and falls are each judged against how heavy that side has been on this series, ' +
    'a series that starts to surprise more often than it used to (denser spikes, a noisier stretch) is noticed too, and so ' +
    'are hours that run off the usual daily or weekly shape even when the recent level has followed them. ' +
    'Neighbouring anomalous points form one incident (open for at least 12 hours), reported once at its first point. ' +
    'When a change lasts, the new level is adopted as normal instead of alarming forever. A rise or fall no bigger ' +
    'than those seen in the same direction around the same hour on recent days (a nightly job), or at the same hour of the ' +
    'week in recent weeks (a weekly job, or a weekend that begins with a step — also when it shows as a run of modest points ' +
    'or a busier stretch), is discounted, so is a short ' +
    'excursion or off-shape stretch as large as ones the series has already shown in recent days, and nothing is reported ' +
    'during the first day, while the series’ rhythm is still being learned.';

/** What the 0–100 score means. */
export const SCORE_EXPLANATION =
    'The score is 100·z⁴/(z⁴ + 5⁴), where z is how many typical-noise units (robust standard deviations) the series is ' +
    'away from what its own past predicted: 0 is exactly as expected, 11 is a 3-sigma surprise, 50 a 5-sigma surprise, ' +
    '80 about 7 sigma, 90 about 8.7 sigma. An incident’s score is the score of its peak.';
