"""The message catalogue: every word charts and reports print, in English and Chinese.

:func:`text` looks a message up by key; a key missing from a language is an
error, not a silent fallback to English, and the tests check that both
languages hold the same keys and placeholders. Words that come from the
scenario (titles, issue names, scale labels, notes) are the analyst's and
are printed as written.
"""

from __future__ import annotations

import string
from typing import Any, Literal

Lang = Literal["en", "zh"]
LANGS: tuple[str, ...] = ("en", "zh")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # charts
        "chart.rounds.title": "Positions by round — {model}",
        "chart.rounds.static": "{model} is static: positions and its forecast",
        "chart.round": "round",
        "chart.position": "position",
        "chart.forecast": "forecast",
        "chart.status_quo": "status quo",
        "chart.gains.title": "Who wins, who loses — {model}",
        "chart.gains.axis": "gain against the status quo (salience-weighted)",
        "chart.off_table": "(off the table)",
        "chart.distribution.title": "Forecast distribution — {model} ({draws} draws)",
        "chart.draws": "draws",
        "chart.interval": "5–95% interval",
        "chart.median": "median",
        "chart.point": "point forecast",
        "chart.tornado.title": "What moves the forecast on {issue} — {model}",
        "chart.tornado.axis": "forecast with the input at its low / high end",
        "chart.tornado.low": "input at low",
        "chart.tornado.high": "input at high",
        "chart.tornado.none": (
            "No input, moved alone to its low or high end, changes this forecast."
        ),
        "chart.challenges.title": "Bilateral challenges in round 1: how i sees j",
        "chart.titled": "{title} — {model}",
        "chart.challenges.x": "E^i(U_ij): i challenges j",
        "chart.challenges.y": "E^i(U_ji): j challenges i, as i sees it",
        "chart.challenges.conflict": "conflict",
        "chart.challenges.compel": "i compels j",
        "chart.challenges.compromise": "i compromises",
        "chart.challenges.stalemate": "stalemate",
        "chart.challenges.none": "fewer than two actors at the table",
        "chart.variants.title": "What-ifs against the baseline — {model}",
        "chart.variants.axis": "position on the issue's scale (0 = low end, 100 = high end)",
        "chart.baseline": "baseline",
        "chart.track.title": "How the headline forecast moved, {first} to {last}",
        "chart.track.central": "central forecast",
        "chart.track.band50": "50% forecast interval",
        "chart.track.band90": "90% forecast interval",
        "chart.track.outcome": "outcome (signed or decided)",
        "chart.track.proposal": "proposal (a tabled text, not an outcome)",
        # the track briefing
        "report.track.title": "Track briefing: {title}",
        "report.track.span": "{count} dated snapshots, {first} to {last}.",
        "report.track.moved": "How the forecast moved",
        "report.track.moved.lead": (
            "Each snapshot is the scenario as it was known on its date. Per issue: the "
            "headline forecast, its 90% forecast interval in brackets, and the status quo below."
        ),
        "report.track.as_of": "as of",
        "report.track.headline": "Headline: {method}",
        "report.track.calibration": "Intervals: {calibration}",
        "report.track.changes": "What changed, and why",
        "report.track.since": "{day} ({file}): what changed since {before}",
        "report.track.who": "who",
        "report.track.what": "what",
        "report.track.from_to": "from → to",
        "report.track.why": "why (the analyst's note)",
        "report.track.none": "No input changed.",
        "report.track.fared": "How the forecasts fared",
        "report.track.not_outcome": (
            "A proposal is not an outcome: it says where a party or a mediator wanted an issue "
            "to land, not where it landed. The two are scored apart."
        ),
        "report.track.against": "Against later {kind}",
        "report.track.kind.outcome": "outcomes (signed or decided)",
        "report.track.kind.proposal": "proposals (tabled texts)",
        "report.track.n": "observations",
        "report.track.mae": "mean absolute error",
        "report.track.inside": "inside the 90% interval",
        "report.track.of": "{k} of {n}",
        "report.track.no_observations": "No observations were given: nothing is scored.",
        "report.track.observations": "What was observed",
        "report.track.date": "date",
        "report.track.value": "value",
        "report.track.kind": "kind",
        "report.track.source": "source",
        "report.track.sources": "Where each snapshot's inputs come from",
        "report.track.field.positions": "position on {issue}",
        "report.track.field.salience": "salience of {issue}",
        "report.track.field.capability": "capability",
        "report.track.field.at_table": "at the table",
        "report.track.field.status_quo": "status quo",
        "report.track.field.actor": "actor",
        "report.track.field.issue": "issue",
        "input.capability": "capability",
        "input.position": "position on {issue}",
        "input.salience": "salience of {issue}",
        # report
        "report.title": "Briefing: {title}",
        "report.generated": "Generated by detente {version} on {date}.",
        "report.from_run": "From saved run {run} ({kind}, {date}).",
        "report.kind.forecast": "forecast",
        "report.kind.simulate": "simulation",
        "report.kind.sensitivity": "sensitivity analysis",
        "report.kind.compare": "comparison of what-ifs",
        "report.contents": "Contents",
        "report.question": "The question",
        "report.question.text": (
            "How will this negotiation end? {n_actors} actors ({n_table} at the table) "
            "contest {n_issues} issues. Each issue is a line between two outcomes; the "
            "status quo is where it stands today."
        ),
        "report.actors_issues": "Actors and issues",
        "report.issues": "Issues",
        "report.actors": "Actors",
        "report.issue": "issue",
        "report.scale": "scale",
        "report.low_end": "low end",
        "report.high_end": "high end",
        "report.status_quo": "status quo",
        "report.actor": "actor",
        "report.capability": "capability",
        "report.at_table": "at the table",
        "report.yes": "yes",
        "report.no": "no",
        "report.not_involved": "not involved",
        "report.positions_caption": "Positions (salience in brackets)",
        "report.forecast": "The forecast, issue by issue",
        "report.forecast.lead": (
            "The central forecast is the headline: the weighted mean of the seated actors' "
            "positions, the most accurate of the {n} models on EU legislative negotiations; "
            "in brackets, its 90% forecast interval (the models' error included). The table "
            "gives each model's forecast, with its input band (5–95% of {draws} draws of the "
            "inputs) where the scenario gives ranges."
        ),
        "report.forecast.issue": (
            "{issue}: the models put the outcome at {value} (status quo {sq}, change "
            "{change}), which reads as {reading}. The models range from {low} to {high}."
        ),
        "report.forecast.issue_no_sq": (
            "{issue}: the models put the outcome at {value}, which reads as {reading}. "
            "The models range from {low} to {high}."
        ),
        "report.model": "model",
        "report.central": "central (headline) [90% forecast interval]",
        "report.no_forecast": "no forecast",
        "report.interval": "Forecast interval and input band",
        "report.interval.text": (
            "The forecast interval beside the central forecast holds the models' error: it "
            "is calibrated on EU legislative negotiations (DEU, 351 issues), and for other "
            "kinds of negotiation it is a floor, the real uncertainty may be wider. Inputs "
            "with a range were drawn {draws} times (seed {seed}); each model's cell gives "
            "its input band, the 5th–95th percentile of its forecast over the draws: a wide "
            "band means the answer hinges on estimates we are unsure of, a narrow one does "
            "not make the answer sure."
        ),
        "report.interval.none": "No input of this scenario carries a range: no interval.",
        "report.interval.skipped": "Intervals were not computed (draws = 0).",
        "report.winners": "Who wins and who loses",
        "report.winners.text": (
            "A gain is how much closer the forecast is to what an actor wants than the "
            "status quo is, weighted by how much it cares (central: the headline)."
        ),
        "report.winners.best": "Gains most: {actors}.",
        "report.winners.worst": "Loses most: {actors}.",
        "report.gain": "gain",
        "report.drivers": "What drives it",
        "report.drivers.text": (
            "The inputs each issue's forecast hinges on most under {model}: total-order "
            "Sobol index (share of the forecast's variance, ± its Monte Carlo standard "
            "error: where a forecast hardly varies, the estimate is rough) and the "
            "forecast with the input at its low and high end."
        ),
        "report.drivers.none": "No input carries a range: nothing to rank.",
        "report.drivers.still": (
            "No input moves a forecast of {model} within its range: every draw lands "
            "on the same outcome."
        ),
        "report.drivers.steady": (
            "{issue}: the forecast stays between {low} and {high} in 90% of the draws, "
            "too steady for its variance to be shared out among the inputs."
        ),
        "report.input": "input",
        "report.index": "share of variance",
        "report.at_low": "at low",
        "report.at_high": "at high",
        "report.whatifs": "What-ifs",
        "report.whatifs.text": (
            "Each what-if changes the scenario and forecasts again; the table gives the "
            "change of the central forecast against the baseline."
        ),
        "report.whatifs.none": "The scenario defines no what-ifs (variants).",
        "report.whatif": "what-if",
        "report.changes": "changes",
        "report.largest_shift": "The largest shift is on {issue} ({change}).",
        "report.no_shift": "No forecast moves.",
        "report.models": "The models: assumptions and known limits",
        "report.assumes": "Assumes",
        "report.limits": "Known limits",
        "report.parameters": "Parameters",
        # Presets whose names are words; the others (bdm, scholz2011, ktab) are ids.
        "report.preset.default": "default",
        "report.preset.equal-gain": "equal gain",
        "report.provenance": "Where the inputs come from",
        "report.notes": "Analyst's notes",
        "report.warnings": "Warnings",
        "report.reading.none": "no forecast",
        "report.reading.low": "≈ {low}",
        "report.reading.high": "≈ {high}",
        "report.reading.lean_low": "leaning to: {low}",
        "report.reading.lean_high": "leaning to: {high}",
        "report.reading.middle": "midway between “{low}” and “{high}”",
        "report.list_sep": ", ",
        "report.clause_sep": "; ",
        "report.colon": ": ",
        "report.date": "{y}-{m:02d}-{d:02d}",
        "report.rounds_caption": "How positions move round by round under {model}.",
        "report.skipped": "{model} did not run: {reason}",
        "report.draws_model": "Intervals: {models}.",
        "report.change.removed": "remove {actor}",
        "report.change.added": "add {actor}",
        "report.change.at_table": "{actor} at the table",
        "report.change.off_table": "{actor} leaves the table",
        "report.change.capability": "{actor} capability {op}",
        "report.change.salience": "{actor} salience of {issue} {op}",
        "report.change.position": "{actor} position on {issue} {op}",
        "report.change.status_quo": "status quo of {issue} {op}",
        "report.change.shock": "from round {round}: {change}",
        # models: assumptions and limits
        "model.median.assumes": (
            "The outcome is the weighted median of positions (Black 1948): no coalition "
            "can beat it on a single issue under weighted majority."
        ),
        "model.median.limits": (
            "Ignores how strongly the actors off the median care; issues are independent; "
            "no bargaining or time."
        ),
        "model.compromise.assumes": (
            "The outcome is the capability-and-salience-weighted mean of positions "
            "(the compromise model: Van den Bos 1991; Achen 2006)."
        ),
        "model.compromise.limits": (
            "Every actor pulls in proportion to its weight, even extreme ones; issues are "
            "independent; no strategy."
        ),
        "model.nbs.assumes": (
            "The outcome maximises the weighted product of the actors' gains over the "
            "status quo (Nash bargaining solution)."
        ),
        "model.nbs.limits": (
            "Needs a status quo as the disagreement point (none: no forecast); utilities "
            "are assumed quadratic in distance; issues are independent."
        ),
        "model.eu.assumes": (
            "Actors challenge, compel and compromise round by round, each weighing its "
            "expected utility of challenging another (Bueno de Mesquita's expected-utility "
            "model as written down by Scholz et al. 2011)."
        ),
        "model.eu.limits": (
            "The original code was never published: this is a reconstruction; it need "
            "not converge and can oscillate; risk attitudes are inferred, not observed."
        ),
        "model.smp.assumes": (
            "Actors bargain pairwise over all issues at once, in the spatial model of "
            "politics of KTAB (Wise et al.): challenges weighed by the probabilities of "
            "coalitions winning."
        ),
        "model.smp.limits": (
            "Results depend on the voting rule and model variants chosen; it can be slow "
            "with many actors; positions interact across issues only through salience."
        ),
        "model.exchange.assumes": (
            "Actors trade concessions on issues they care little about for gains on issues "
            "they care much about (Stokman and Van Oosten's exchange model)."
        ),
        "model.exchange.limits": (
            "Assumes trades are kept; the order of exchanges and the shares of the gains "
            "are modelling choices; issues with few actors leave little to trade."
        ),
        "model.central.title": "the headline (weighted mean)",
        "model.ensemble.assumes": "Combines the other models' forecasts into one.",
        "model.ensemble.limits": "Only as good as the models it combines and their weights.",
        "model.headline.assumes": (
            "The central forecast: the weighted mean of the seated actors' positions "
            "(compromise), the most accurate model on EU legislative data."
        ),
        "model.headline.limits": "Those of the compromise model; its errors set the intervals.",
        "model.other.assumes": "See the model's documentation.",
        "model.other.limits": "See the model's documentation.",
    },
    "zh": {
        "chart.rounds.title": "各轮立场——{model}",
        "chart.rounds.static": "{model}为静态模型:各方立场及其预测",
        "chart.round": "轮次",
        "chart.position": "立场",
        "chart.forecast": "预测",
        "chart.status_quo": "现状",
        "chart.gains.title": "谁得谁失——{model}",
        "chart.gains.axis": "相对现状的得失(按重视程度加权)",
        "chart.off_table": "(未上谈判桌)",
        "chart.distribution.title": "预测分布——{model}({draws}次抽样)",
        "chart.draws": "抽样数",
        "chart.interval": "5%–95%区间",
        "chart.median": "中位数",
        "chart.point": "点预测",
        "chart.tornado.title": "{issue}的预测受什么影响——{model}",
        "chart.tornado.axis": "输入取区间低端/高端时的预测",
        "chart.tornado.low": "输入取低端",
        "chart.tornado.high": "输入取高端",
        "chart.tornado.none": "任何一项输入单独取其低端或高端,都不改变这一预测。",
        "chart.challenges.title": "第1轮双边挑战:i如何看待j",
        "chart.titled": "{title}——{model}",
        "chart.challenges.x": "E^i(U_ij):i挑战j的期望效用",
        "chart.challenges.y": "E^i(U_ji):i估计的j挑战i的期望效用",
        "chart.challenges.conflict": "冲突",
        "chart.challenges.compel": "i迫使j让步",
        "chart.challenges.compromise": "i妥协",
        "chart.challenges.stalemate": "僵持",
        "chart.challenges.none": "谈判桌上不足两方",
        "chart.variants.title": "假设情景与基准的比较——{model}",
        "chart.variants.axis": "在议题区间上的位置(0 = 低端,100 = 高端)",
        "chart.baseline": "基准",
        "chart.track.title": "核心预测如何变化:{first}至{last}",
        "chart.track.central": "核心预测",
        "chart.track.band50": "50%预测区间",
        "chart.track.band90": "90%预测区间",
        "chart.track.outcome": "结果(已签署或已决定)",
        "chart.track.proposal": "提案(提交的文本,并非结果)",
        # the track briefing
        "report.track.title": "追踪简报:{title}",
        "report.track.span": "{count}个带日期的快照,{first}至{last}。",
        "report.track.moved": "预测如何变化",
        "report.track.moved.lead": (
            "每个快照是该日期已知信息下的情景。每个议题:核心预测,方括号内为其90%预测区间,"
            "下方为现状。"
        ),
        "report.track.as_of": "日期",
        "report.track.headline": "核心预测:{method}",
        "report.track.calibration": "区间:{calibration}",
        "report.track.changes": "哪些输入改变了,为什么",
        "report.track.since": "{day}({file}):自{before}以来的变化",
        "report.track.who": "谁",
        "report.track.what": "什么",
        "report.track.from_to": "从 → 到",
        "report.track.why": "原因(分析者的注释)",
        "report.track.none": "没有输入改变。",
        "report.track.fared": "预测的表现",
        "report.track.not_outcome": (
            "提案不是结果:它表明某一方或调解方希望议题落在哪里,而不是实际落在哪里。两者分开评分。"
        ),
        "report.track.against": "对照之后的{kind}",
        "report.track.kind.outcome": "结果(已签署或已决定)",
        "report.track.kind.proposal": "提案(提交的文本)",
        "report.track.n": "观测数",
        "report.track.mae": "平均绝对误差",
        "report.track.inside": "落在90%区间内",
        "report.track.of": "{n}个中{k}个",
        "report.track.no_observations": "未提供观测:不评分。",
        "report.track.observations": "观测到的情况",
        "report.track.date": "日期",
        "report.track.value": "数值",
        "report.track.kind": "类型",
        "report.track.source": "来源",
        "report.track.sources": "各快照输入的来源",
        "report.track.field.positions": "在{issue}上的立场",
        "report.track.field.salience": "对{issue}的重视程度",
        "report.track.field.capability": "实力",
        "report.track.field.at_table": "是否在谈判桌上",
        "report.track.field.status_quo": "现状",
        "report.track.field.actor": "行为体",
        "report.track.field.issue": "议题",
        "input.capability": "实力",
        "input.position": "在{issue}上的立场",
        "input.salience": "对{issue}的重视程度",
        "report.title": "简报:{title}",
        "report.generated": "由 detente {version} 于{date}生成。",
        # Full-width comma written out: fullwidth() sees no Chinese character beside it.
        "report.from_run": "依据已保存的运行 {run}({kind}，{date})。",
        "report.kind.forecast": "预测",
        "report.kind.simulate": "不确定性模拟",
        "report.kind.sensitivity": "敏感性分析",
        "report.kind.compare": "假设情景比较",
        "report.contents": "目录",
        "report.question": "问题",
        "report.question.text": (
            "这场谈判将如何收场?{n_actors}方({n_table}方在谈判桌上)围绕{n_issues}个议题"
            "博弈。每个议题是两种结局之间的一条线段;现状是它今天所处的位置。"
        ),
        "report.actors_issues": "行为体与议题",
        "report.issues": "议题",
        "report.actors": "行为体",
        "report.issue": "议题",
        "report.scale": "区间",
        "report.low_end": "低端",
        "report.high_end": "高端",
        "report.status_quo": "现状",
        "report.actor": "行为体",
        "report.capability": "实力",
        "report.at_table": "在谈判桌上",
        "report.yes": "是",
        "report.no": "否",
        "report.not_involved": "不涉及",
        "report.positions_caption": "立场(括号内为重视程度)",
        "report.forecast": "逐项预测",
        "report.forecast.lead": (
            "核心预测即加权平均(在座各方立场按实力与重视程度加权),是{n}个模型中在欧盟立法"
            "谈判上最准确的;方括号内为其90%预测区间(含模型误差)。下表列出每个模型的预测,"
            "以及在情景给出区间的输入上抽样{draws}次得到的输入波动带(5%–95%)。"
        ),
        "report.forecast.issue": (
            "{issue}:各模型预测结果为{value}(现状{sq},变化{change}),即{reading}。"
            "各模型的预测在{low}至{high}之间。"
        ),
        "report.forecast.issue_no_sq": (
            "{issue}:各模型预测结果为{value},即{reading}。各模型的预测在{low}至{high}之间。"
        ),
        "report.model": "模型",
        "report.central": "核心预测(加权平均)[90%预测区间]",
        "report.no_forecast": "无预测",
        "report.interval": "预测区间与输入波动带",
        "report.interval.text": (
            "核心预测旁的预测区间包含模型误差:它以欧盟立法谈判(DEU,351个议题)校准,"
            "用于其他类型的谈判时只是下限,真实的不确定性可能更大。带区间的输入抽样{draws}次"
            "(随机种子{seed});每个模型的格子给出其输入波动带,即预测的第5至第95百分位数:"
            "波动带宽说明结论依赖没有把握的估计,窄并不说明结论可靠。"
        ),
        "report.interval.none": "本情景没有任何输入带区间:无法给出区间。",
        "report.interval.skipped": "未计算区间(抽样数为0)。",
        "report.winners": "谁得谁失",
        "report.winners.text": (
            "得失指预测结果比现状更接近某方诉求的程度,按其重视程度加权(核心值取加权平均)。"
        ),
        "report.winners.best": "得益最多:{actors}。",
        "report.winners.worst": "损失最多:{actors}。",
        "report.gain": "得失",
        "report.drivers": "驱动因素",
        "report.drivers.text": (
            "在{model}下,各议题预测最依赖的输入:总阶Sobol指数(在预测方差中所占份额,"
            "±蒙特卡洛标准误差:预测几乎不变时,估计较粗),"
            "以及该输入取低端和高端时的预测。"
        ),
        "report.drivers.none": "没有任何输入带区间:无从排序。",
        "report.drivers.still": "在{model}下,任何输入在其区间内都不改变预测:每次抽样结果相同。",
        "report.drivers.steady": (
            "{issue}:90%的抽样中预测都在{low}至{high}之间,变化太小,无法在各输入间分解其方差。"
        ),
        "report.input": "输入",
        "report.index": "方差份额",
        "report.at_low": "取低端",
        "report.at_high": "取高端",
        "report.whatifs": "假设情景",
        "report.whatifs.text": (
            "每个假设情景改变情景设定后重新预测;下表给出核心预测相对基准的变化。"
        ),
        "report.whatifs.none": "本情景未定义假设情景(variants)。",
        "report.whatif": "假设情景",
        "report.changes": "改动",
        "report.largest_shift": "变化最大的是{issue}({change})。",
        "report.no_shift": "预测均无变化。",
        "report.models": "模型:假设与已知局限",
        "report.assumes": "假设",
        "report.limits": "已知局限",
        "report.parameters": "参数",
        "report.preset.default": "默认",
        "report.preset.equal-gain": "等额收益",
        "report.provenance": "输入数据来源",
        "report.notes": "分析者注释",
        "report.warnings": "警告",
        "report.reading.none": "无预测",
        "report.reading.low": "≈ {low}",
        "report.reading.high": "≈ {high}",
        "report.reading.lean_low": "偏向:{low}",
        "report.reading.lean_high": "偏向:{high}",
        "report.reading.middle": "介于“{low}”与“{high}”之间",
        "report.list_sep": "、",
        "report.clause_sep": "；",
        "report.colon": "：",
        "report.date": "{y}年{m}月{d}日",
        "report.rounds_caption": "{model}下各方立场逐轮的变化。",
        "report.skipped": "{model}未运行:{reason}",
        "report.draws_model": "区间:{models}。",
        "report.change.removed": "移除{actor}",
        "report.change.added": "加入{actor}",
        "report.change.at_table": "{actor}上谈判桌",
        "report.change.off_table": "{actor}离开谈判桌",
        "report.change.capability": "{actor}的实力{op}",
        "report.change.salience": "{actor}对{issue}的重视程度{op}",
        "report.change.position": "{actor}在{issue}上的立场{op}",
        "report.change.status_quo": "{issue}的现状{op}",
        "report.change.shock": "自第{round}轮起:{change}",
        "model.median.title": "加权中位数(Black)",
        "model.compromise.title": "妥协模型/加权平均(Achen)",
        "model.nbs.title": "纳什谈判解(Achen 2006)",
        "model.eu.title": "期望效用模型(Bueno de Mesquita；Scholz等2011)",
        "model.smp.title": "政治空间模型(KTAB SMP)",
        "model.exchange.title": "交换模型(Stokman与Van Oosten)",
        "model.ensemble.title": "模型组合",
        "model.headline.title": "核心预测:加权平均(妥协模型)",
        "model.central.title": "核心预测(加权平均)",
        "model.median.assumes": (
            "结果为各方立场的加权中位数(Black 1948):在单一议题的加权多数规则下,"
            "没有任何联盟能击败它。"
        ),
        "model.median.limits": "忽略中位数以外各方的重视程度;议题相互独立;不含讨价还价与时间。",
        "model.compromise.assumes": (
            "结果为按实力与重视程度加权的立场平均值(妥协模型:Van den Bos 1991；Achen 2006)。"
        ),
        "model.compromise.limits": "每一方按其权重拉动结果,极端方亦然;议题相互独立;不含策略。",
        "model.nbs.assumes": "结果使各方相对现状收益的加权乘积最大(纳什谈判解)。",
        "model.nbs.limits": (
            "需要以现状为谈判破裂点(无现状则无预测);假定效用为距离的二次函数;议题相互独立。"
        ),
        "model.eu.assumes": (
            "各方逐轮挑战、强迫、妥协,各自权衡挑战他方的期望效用(Bueno de Mesquita的"
            "期望效用模型,依Scholz等2011年的整理)。"
        ),
        "model.eu.limits": (
            "原始代码从未公开,此为重建版本;不一定收敛,可能振荡;风险态度系推算而非观测。"
        ),
        "model.smp.assumes": (
            "各方在所有议题上同时两两讨价还价,采用KTAB的政治空间模型(Wise等):"
            "以联盟获胜概率权衡挑战。"
        ),
        "model.smp.limits": (
            "结果取决于所选投票规则与模型变体;行为体多时较慢;议题之间仅通过重视程度相互影响。"
        ),
        "model.exchange.assumes": (
            "各方在不太在意的议题上让步,以换取在很在意的议题上的收益"
            "(Stokman与Van Oosten的交换模型)。"
        ),
        "model.exchange.limits": (
            "假定交易会被遵守;交换顺序与收益分配属建模选择;参与方少的议题可交换的余地小。"
        ),
        "model.ensemble.assumes": "将其他模型的预测合而为一。",
        "model.ensemble.limits": "其好坏取决于所合并的模型及其权重。",
        "model.headline.assumes": (
            "核心预测:在座各方立场的加权平均(妥协模型),在欧盟立法数据上最准确。"
        ),
        "model.headline.limits": "与妥协模型相同;其误差决定预测区间。",
        "model.other.assumes": "见该模型的文档。",
        "model.other.limits": "见该模型的文档。",
    },
}


_FULL = {",": "\uff0c", ";": "\uff1b", ":": "\uff1a", "!": "\uff01", "?": "\uff1f"}
_OPEN, _CLOSE = "\uff08", "\uff09"


def _is_cjk(c: str) -> bool:
    return "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"


def fullwidth(message: str) -> str:
    """Chinese typography for text written with ASCII punctuation.

    ``, ; : ! ?`` next to a Chinese character become full-width, and so do
    both brackets of a pair that holds or touches one; formulas such as
    ``E^i(U_ij)`` and placeholders stay as written.

    >>> fullwidth("现状{sq}(变化{change}),即{reading}。E^i(U_ij):挑战")
    '现状{sq}（变化{change}），即{reading}。E^i(U_ij)：挑战'
    """
    chars = list(message)
    stack: list[int] = []
    for k, c in enumerate(chars):
        if c == "(":
            stack.append(k)
        elif c == ")" and stack:
            start = stack.pop()
            touching = message[max(start - 1, 0) : k + 2]
            if any(_is_cjk(x) for x in touching):
                chars[start], chars[k] = _OPEN, _CLOSE
    for k, c in enumerate(chars):
        if c in _FULL:
            around = chars[max(k - 1, 0) : k] + chars[k + 1 : k + 2]
            if any(_is_cjk(x) for x in around):
                chars[k] = _FULL[c]
    return "".join(chars)


# The catalogue's Chinese is written with ASCII punctuation; print it the Chinese way.
MESSAGES["zh"] = {key: fullwidth(value) for key, value in MESSAGES["zh"].items()}


def text(key: str, lang: str = "en", **values: Any) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    if lang not in MESSAGES:
        from detente.errors import ParameterError

        raise ParameterError(f"unknown language {lang!r}; valid languages: {', '.join(LANGS)}")
    return MESSAGES[lang][key].format(**values) if values else MESSAGES[lang][key]


def placeholders(message: str) -> set[str]:
    """The ``{names}`` a message expects."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def number(x: float | None, lang: str = "en", digits: int = 1, sign: bool = False) -> str:
    """A number as a reader of ``lang`` writes it (``—`` for none)."""
    if x is None:
        return "—"
    text_ = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    return text_.replace("-", "−")
