/// Word lists for the sample market's company names, industries and areas. All of it is invented:
/// a name is a brand word plus an industry word (华夏医药), so it reads like an A-share name without
/// copying a real company's.
enum SampleNames {
    /// A word with its pinyin initials (for `cnspell`) and its romanisation (for `enname`).
    struct Word: Sendable {
        let hanzi: String
        let initials: String
        let english: String

        init(_ hanzi: String, _ initials: String, _ english: String) {
            self.hanzi = hanzi
            self.initials = initials
            self.english = english
        }
    }

    /// A Shenwan (申万 2014) level-1 industry with its relative number of listed companies, a
    /// market-cap multiplier (banks are few and large) and words that end its companies' names.
    struct Industry: Sendable {
        let name: String
        let weight: Double
        let capMultiplier: Double
        let suffixes: [Word]
    }

    /// The 28 Shenwan 2014 level-1 industries.
    static let industries: [Industry] = [
        Industry(
            name: "农林牧渔", weight: 2.2, capMultiplier: 0.8,
            suffixes: [
                Word("农业", "ny", "Agriculture"), Word("牧业", "my", "Husbandry"), Word("种业", "zy", "Seed"),
                Word("渔业", "yy", "Fishery"), Word("农发", "nf", "Agri-Development"),
            ]),
        Industry(
            name: "采掘", weight: 1.4, capMultiplier: 2.0,
            suffixes: [
                Word("矿业", "ky", "Mining"), Word("煤业", "my", "Coal"), Word("能源", "ny", "Energy"),
                Word("油服", "yf", "Oilfield Services"), Word("煤电", "md", "Coal & Power"),
            ]),
        Industry(
            name: "化工", weight: 9.0, capMultiplier: 0.9,
            suffixes: [
                Word("化工", "hg", "Chemical"), Word("化学", "hx", "Chemistry"), Word("新材", "xc", "New Materials"),
                Word("石化", "sh", "Petrochemical"), Word("化纤", "hx", "Chemical Fibre"), Word("材料", "cl", "Materials"),
            ]),
        Industry(
            name: "钢铁", weight: 0.8, capMultiplier: 1.5,
            suffixes: [
                Word("钢铁", "gt", "Iron & Steel"), Word("特钢", "tg", "Special Steel"), Word("钢管", "gg", "Steel Pipe"),
                Word("钢构", "gg", "Steel Structure"),
            ]),
        Industry(
            name: "有色金属", weight: 2.8, capMultiplier: 1.2,
            suffixes: [
                Word("有色", "ys", "Nonferrous"), Word("铝业", "ly", "Aluminium"), Word("铜业", "ty", "Copper"),
                Word("稀土", "xt", "Rare Earth"), Word("锂业", "ly", "Lithium"), Word("金属", "js", "Metals"),
            ]),
        Industry(
            name: "电子", weight: 7.0, capMultiplier: 1.0,
            suffixes: [
                Word("电子", "dz", "Electronics"), Word("微电", "wd", "Microelectronics"),
                Word("光电", "gd", "Optoelectronics"),
                Word("半导", "bd", "Semiconductor"), Word("芯片", "xp", "Chip"), Word("精密", "jm", "Precision"),
            ]),
        Industry(
            name: "家用电器", weight: 1.6, capMultiplier: 1.3,
            suffixes: [
                Word("电器", "dq", "Electric Appliance"), Word("家电", "jd", "Home Appliance"),
                Word("厨电", "cd", "Kitchen Appliance"),
                Word("空调", "kt", "Air Conditioning"),
            ]),
        Industry(
            name: "食品饮料", weight: 2.5, capMultiplier: 1.5,
            suffixes: [
                Word("食品", "sp", "Food"), Word("酒业", "jy", "Liquor"), Word("乳业", "ry", "Dairy"),
                Word("饮料", "yl", "Beverage"), Word("啤酒", "pj", "Brewery"), Word("调味", "tw", "Condiment"),
            ]),
        Industry(
            name: "纺织服装", weight: 2.3, capMultiplier: 0.7,
            suffixes: [
                Word("纺织", "fz", "Textile"), Word("服饰", "fs", "Apparel"), Word("时装", "sz", "Fashion"),
                Word("制衣", "zy", "Garment"), Word("家纺", "jf", "Home Textile"),
            ]),
        Industry(
            name: "轻工制造", weight: 3.0, capMultiplier: 0.7,
            suffixes: [
                Word("纸业", "zy", "Paper"), Word("家居", "jj", "Home Furnishing"), Word("包装", "bz", "Packaging"),
                Word("印刷", "ys", "Printing"), Word("文具", "wj", "Stationery"),
            ]),
        Industry(
            name: "医药生物", weight: 7.5, capMultiplier: 1.1,
            suffixes: [
                Word("医药", "yy", "Pharmaceutical"), Word("药业", "yy", "Pharma"), Word("生物", "sw", "Biotech"),
                Word("制药", "zy", "Drug Manufacturing"), Word("医疗", "yl", "Medical"), Word("药房", "yf", "Pharmacy"),
            ]),
        Industry(
            name: "公用事业", weight: 3.5, capMultiplier: 1.3,
            suffixes: [
                Word("电力", "dl", "Power"), Word("水务", "sw", "Water"), Word("燃气", "rq", "Gas"),
                Word("环保", "hb", "Environmental"), Word("热电", "rd", "Thermal Power"), Word("新能", "xn", "New Energy"),
            ]),
        Industry(
            name: "交通运输", weight: 2.8, capMultiplier: 1.4,
            suffixes: [
                Word("物流", "wl", "Logistics"), Word("航运", "hy", "Shipping"), Word("港口", "gk", "Port"),
                Word("高速", "gs", "Expressway"), Word("航空", "hk", "Airlines"), Word("快运", "ky", "Express"),
            ]),
        Industry(
            name: "房地产", weight: 3.0, capMultiplier: 1.2,
            suffixes: [
                Word("地产", "dc", "Real Estate"), Word("置业", "zy", "Property"), Word("置地", "zd", "Land"),
                Word("城投", "ct", "Urban Investment"), Word("房产", "fc", "Housing"),
            ]),
        Industry(
            name: "商业贸易", weight: 2.3, capMultiplier: 0.8,
            suffixes: [
                Word("商贸", "sm", "Commerce"), Word("百货", "bh", "Department Store"), Word("商业", "sy", "Retail"),
                Word("贸易", "my", "Trading"), Word("超市", "cs", "Supermarket"),
            ]),
        Industry(
            name: "休闲服务", weight: 0.8, capMultiplier: 0.9,
            suffixes: [
                Word("旅游", "ly", "Tourism"), Word("酒店", "jd", "Hotels"), Word("文旅", "wl", "Culture & Tourism"),
                Word("餐饮", "cy", "Catering"),
            ]),
        Industry(
            name: "综合", weight: 0.8, capMultiplier: 0.8,
            suffixes: [
                Word("实业", "sy", "Industrial"), Word("发展", "fz", "Development"), Word("综合", "zh", "Holdings"),
                Word("投资", "tz", "Investment"),
            ]),
        Industry(
            name: "建筑材料", weight: 1.8, capMultiplier: 1.0,
            suffixes: [
                Word("建材", "jc", "Building Materials"), Word("水泥", "sn", "Cement"), Word("玻璃", "bl", "Glass"),
                Word("陶瓷", "tc", "Ceramics"), Word("管业", "gy", "Pipe"),
            ]),
        Industry(
            name: "建筑装饰", weight: 3.5, capMultiplier: 1.1,
            suffixes: [
                Word("建设", "js", "Construction"), Word("建工", "jg", "Engineering"), Word("装饰", "zs", "Decoration"),
                Word("设计", "sj", "Design"), Word("路桥", "lq", "Road & Bridge"),
            ]),
        Industry(
            name: "电气设备", weight: 5.0, capMultiplier: 1.1,
            suffixes: [
                Word("电气", "dq", "Electric"), Word("电缆", "dl", "Cable"), Word("电工", "dg", "Electrical"),
                Word("储能", "cn", "Energy Storage"), Word("光伏", "gf", "Photovoltaic"), Word("风电", "fd", "Wind Power"),
            ]),
        Industry(
            name: "国防军工", weight: 1.6, capMultiplier: 1.2,
            suffixes: [
                Word("航天", "ht", "Aerospace"), Word("军工", "jg", "Defence"), Word("重工", "zg", "Heavy Industry"),
                Word("航电", "hd", "Avionics"),
            ]),
        Industry(
            name: "计算机", weight: 5.5, capMultiplier: 0.9,
            suffixes: [
                Word("软件", "rj", "Software"), Word("信息", "xx", "Information"), Word("数据", "sj", "Data"),
                Word("网络", "wl", "Network"), Word("智能", "zn", "Intelligence"), Word("数码", "sm", "Digital"),
            ]),
        Industry(
            name: "传媒", weight: 3.0, capMultiplier: 0.8,
            suffixes: [
                Word("传媒", "cm", "Media"), Word("文化", "wh", "Culture"), Word("影视", "ys", "Film & TV"),
                Word("出版", "cb", "Publishing"), Word("互娱", "hy", "Entertainment"),
            ]),
        Industry(
            name: "通信", weight: 2.6, capMultiplier: 1.0,
            suffixes: [
                Word("通信", "tx", "Communications"), Word("通讯", "tx", "Telecom"), Word("光纤", "gx", "Optical Fibre"),
                Word("网通", "wt", "Netcom"), Word("天线", "tx", "Antenna"),
            ]),
        Industry(
            name: "银行", weight: 0.9, capMultiplier: 10.0,
            suffixes: [
                Word("银行", "yh", "Bank"), Word("农商", "ns", "Rural Commercial Bank"),
                Word("商行", "sh", "Commercial Bank"),
            ]),
        Industry(
            name: "非银金融", weight: 2.0, capMultiplier: 3.0,
            suffixes: [
                Word("证券", "zq", "Securities"), Word("保险", "bx", "Insurance"), Word("信托", "xt", "Trust"),
                Word("期货", "qh", "Futures"), Word("金控", "jk", "Financial Holdings"),
            ]),
        Industry(
            name: "汽车", weight: 4.5, capMultiplier: 1.1,
            suffixes: [
                Word("汽车", "qc", "Automobile"), Word("汽配", "qp", "Auto Parts"), Word("客车", "kc", "Coach"),
                Word("车业", "cy", "Vehicle"), Word("轮胎", "lt", "Tyre"),
            ]),
        Industry(
            name: "机械设备", weight: 9.0, capMultiplier: 0.9,
            suffixes: [
                Word("机械", "jx", "Machinery"), Word("重机", "zj", "Heavy Machinery"),
                Word("精机", "jj", "Precision Machinery"),
                Word("装备", "zb", "Equipment"), Word("机电", "jd", "Mechanical & Electrical"), Word("泵业", "by", "Pump"),
            ]),
    ]

    /// Words any company may end with.
    static let genericSuffixes: [Word] = [
        Word("股份", "gf", "Co."), Word("科技", "kj", "Technology"), Word("控股", "kg", "Holding"),
        Word("集团", "jt", "Group"), Word("实业", "sy", "Industrial"),
    ]

    /// Brand words that start a name.
    static let brands: [Word] = [
        Word("华夏", "hx", "Huaxia"), Word("中信", "zx", "Zhongxin"), Word("东方", "df", "Dongfang"),
        Word("金龙", "jl", "Jinlong"), Word("天通", "tt", "Tiantong"), Word("长江", "cj", "Changjiang"),
        Word("黄河", "hh", "Huanghe"), Word("泰山", "ts", "Taishan"), Word("华润", "hr", "Huarun"),
        Word("恒瑞", "hr", "Hengrui"), Word("海天", "ht", "Haitian"), Word("新华", "xh", "Xinhua"),
        Word("国泰", "gt", "Guotai"), Word("安信", "ax", "Anxin"), Word("中科", "zk", "Zhongke"),
        Word("宏达", "hd", "Hongda"), Word("信达", "xd", "Xinda"), Word("光明", "gm", "Guangming"),
        Word("永泰", "yt", "Yongtai"), Word("天山", "ts", "Tianshan"), Word("江南", "jn", "Jiangnan"),
        Word("南方", "nf", "Nanfang"), Word("北方", "bf", "Beifang"), Word("西部", "xb", "Xibu"),
        Word("中原", "zy", "Zhongyuan"), Word("广汇", "gh", "Guanghui"), Word("金山", "js", "Jinshan"),
        Word("银河", "yh", "Yinhe"), Word("瑞丰", "rf", "Ruifeng"), Word("海信", "hx", "Haixin"),
        Word("博通", "bt", "Botong"), Word("华天", "ht", "Huatian"), Word("精工", "jg", "Jinggong"),
        Word("红星", "hx", "Hongxing"), Word("远东", "yd", "Yuandong"), Word("宝丰", "bf", "Baofeng"),
        Word("兴业", "xy", "Xingye"), Word("华安", "ha", "Huaan"), Word("国信", "gx", "Guoxin"),
        Word("中天", "zt", "Zhongtian"), Word("万达", "wd", "Wanda"), Word("创新", "cx", "Chuangxin"),
        Word("海达", "hd", "Haida"), Word("鼎盛", "ds", "Dingsheng"), Word("恒通", "ht", "Hengtong"),
        Word("通达", "td", "Tongda"), Word("明阳", "my", "Mingyang"), Word("阳光", "yg", "Yangguang"),
        Word("春晖", "ch", "Chunhui"), Word("汇金", "hj", "Huijin"), Word("金利", "jl", "Jinli"),
        Word("凯迪", "kd", "Kaidi"), Word("振华", "zh", "Zhenhua"), Word("亚泰", "yt", "Yatai"),
        Word("联合", "lh", "Lianhe"), Word("复星", "fx", "Fuxing"), Word("百川", "bc", "Baichuan"),
        Word("云天", "yt", "Yuntian"), Word("星辰", "xc", "Xingchen"), Word("蓝天", "lt", "Lantian"),
        Word("青山", "qs", "Qingshan"), Word("紫金", "zj", "Zijin"), Word("锦江", "jj", "Jinjiang"),
        Word("德润", "dr", "Derun"), Word("嘉和", "jh", "Jiahe"), Word("和信", "hx", "Hexin"),
        Word("同仁", "tr", "Tongren"), Word("正泰", "zt", "Zhengtai"), Word("开元", "ky", "Kaiyuan"),
        Word("大成", "dc", "Dacheng"), Word("天成", "tc", "Tiancheng"), Word("盛达", "sd", "Shengda"),
        Word("荣盛", "rs", "Rongsheng"), Word("富春", "fc", "Fuchun"), Word("丰华", "fh", "Fenghua"),
        Word("新宇", "xy", "Xinyu"), Word("宇通", "yt", "Yutong"), Word("隆基", "lj", "Longji"),
        Word("思源", "sy", "Siyuan"), Word("立讯", "lx", "Lixun"), Word("卓越", "zy", "Zhuoyue"),
        Word("飞鹤", "fh", "Feihe"), Word("神舟", "sz", "Shenzhou"), Word("天宇", "ty", "Tianyu"),
        Word("华银", "hy", "Huayin"), Word("晨光", "cg", "Chenguang"), Word("海螺", "hl", "Hailuo"),
        Word("长城", "cc", "Changcheng"), Word("昆仑", "kl", "Kunlun"), Word("峨眉", "em", "Emei"),
        Word("太行", "th", "Taihang"), Word("燕山", "ys", "Yanshan"), Word("珠江", "zj", "Zhujiang"),
        Word("闽发", "mf", "Minfa"), Word("粤海", "yh", "Yuehai"), Word("浙能", "zn", "Zheneng"),
        Word("苏豪", "sh", "Suhao"), Word("皖通", "wt", "Wantong"), Word("鲁信", "lx", "Luxin"),
        Word("川润", "cr", "Chuanrun"), Word("湘江", "xj", "Xiangjiang"), Word("赣江", "gj", "Ganjiang"),
        Word("滇池", "dc", "Dianchi"), Word("黔源", "qy", "Qianyuan"), Word("桂冠", "gg", "Guiguan"),
        Word("秦川", "qc", "Qinchuan"), Word("晋华", "jh", "Jinhua"), Word("冀中", "jz", "Jizhong"),
        Word("豫光", "yg", "Yuguang"), Word("楚天", "ct", "Chutian"), Word("渝开", "yk", "Yukai"),
        Word("津滨", "jb", "Jinbin"), Word("沪光", "hg", "Huguang"), Word("京城", "jc", "Jingcheng"),
        Word("辽河", "lh", "Liaohe"), Word("吉林", "jl", "Jilin"), Word("龙江", "lj", "Longjiang"),
        Word("蒙草", "mc", "Mengcao"), Word("宁夏", "nx", "Ningxia"), Word("陇神", "ls", "Longshen"),
        Word("青海", "qh", "Qinghai"), Word("天府", "tf", "Tianfu"), Word("琼海", "qh", "Qionghai"),
        Word("伟星", "wx", "Weixing"), Word("万向", "wx", "Wanxiang"), Word("恒信", "hx", "Hengxin"),
        Word("金发", "jf", "Jinfa"), Word("普天", "pt", "Putian"), Word("瑞康", "rk", "Ruikang"),
    ]

    /// Tushare's `area` values with rough weights (companies per province).
    static let areas: [(name: String, weight: Double)] = [
        ("浙江", 12), ("江苏", 12), ("广东", 10), ("深圳", 8), ("北京", 8), ("上海", 8),
        ("山东", 5), ("福建", 3.5), ("四川", 3), ("安徽", 3), ("湖北", 2.5), ("湖南", 2.5),
        ("河南", 2), ("河北", 1.5), ("辽宁", 1.5), ("天津", 1.3), ("重庆", 1.2), ("江西", 1.5),
        ("陕西", 1.3), ("吉林", 1), ("黑龙江", 0.8), ("山西", 0.8), ("云南", 0.8), ("广西", 0.8),
        ("贵州", 0.7), ("新疆", 1), ("内蒙", 0.5), ("甘肃", 0.6), ("海南", 0.7), ("宁夏", 0.3),
        ("青海", 0.2), ("西藏", 0.4),
    ]
}
