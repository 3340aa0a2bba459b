"""The Chinese catalogue of the report's messages (see :mod:`detente.report.messages`).

Kept in its own module so each catalogue stays a readable size; the tests check it holds
the same keys and placeholders as the English one. It is written with ASCII punctuation:
:func:`detente.report.messages.fullwidth` turns it into Chinese punctuation when loaded.
"""

from __future__ import annotations

ZH: dict[str, str] = {
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
        "每个快照是该日期已知信息下的情景。每个议题:核心预测,方括号内为其90%预测区间,下方为现状。"
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
    "report.track.field.no_deal": "破裂落点",
    "report.track.field.no_deal_cost": "破裂成本",
    "report.track.field.veto": "否决权",
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
    "report.stick": "协议能否落地?",
    "report.stick.text": (
        "有些行为体无论是否在谈判桌上,其同意都不可或缺:{players}拥有否决权。否决方接受一个方案,"
        "当且仅当它不比谈判破裂更差(破裂时各议题的落点,加上其破裂成本)。若有否决方拒绝,"
        "最接近的可接受方案是所有否决方都接受、且谈判桌让步最少的方案。"
    ),
    "report.stick.accepted": "所有否决方都接受核心预测:协议按预测即可落地。",
    "report.stick.rejected": (
        "{actors}会拒绝核心预测:协议无法按预测落地。所有否决方都接受的最接近方案如下:"
    ),
    "report.stick.binding": (
        "在该方案上,{actors}的条件恰好约束:其接受已毫无余地,方案再向谈判桌的协议靠近就会失去其同意。"
    ),
    "report.stick.central": "核心预测",
    "report.stick.nearest": "最接近的可接受方案",
    "report.stick.change": "变化",
    "report.stick.reading": "含义",
    "report.stick.models": "各模型的预测按同样方式检验:",
    "report.stick.sticks": "所有否决方都接受",
    "report.stick.rejected_by": "拒绝方",
    "report.stick.binding_row": "在最接近方案上约束的否决方",
    "report.stick.none": "无",
    "report.stick.chance": (
        "在对输入的{draws}次抽样中:所有否决方都接受各模型预测的抽样比例(协议落地的概率),"
        "以及每个否决方接受的比例。"
    ),
    "report.stick.all": "协议落地",
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
    "report.whatifs.text": ("每个假设情景改变情景设定后重新预测;下表给出核心预测相对基准的变化。"),
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
    "report.change.no_deal": "{issue}的破裂落点{op}",
    "report.change.veto": "{actor}在所有议题上拥有否决权",
    "report.change.no_veto": "{actor}没有否决权",
    "report.change.veto_on": "{actor}在{issues}上拥有否决权",
    "report.change.no_deal_cost": "{actor}的破裂成本{op}",
    "report.change.tie": "{actor}对{target}的影响{op}",
    "report.change.tie_cut": "取消{actor}对{target}的影响",
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
        "结果为各方立场的加权中位数(Black 1948):在单一议题的加权多数规则下,没有任何联盟能击败它。"
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
        "各方在所有议题上同时两两讨价还价,采用KTAB的政治空间模型(Wise等):以联盟获胜概率权衡挑战。"
    ),
    "model.smp.limits": (
        "结果取决于所选投票规则与模型变体;行为体多时较慢;议题之间仅通过重视程度相互影响。"
    ),
    "model.exchange.assumes": (
        "各方在不太在意的议题上让步,以换取在很在意的议题上的收益(Stokman与Van Oosten的交换模型)。"
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
}
