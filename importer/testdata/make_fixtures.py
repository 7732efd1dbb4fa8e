#!/usr/bin/python3
"""Writes the hand-made import fixtures of importer/testdata.

The .docx files are made with python-docx, as a person typing in Word
would make them (not with gongwen's generator): one paragraph per line,
the title broken over two paragraphs with Enter, numbers typed in the
forms people use. The .txt files are saved in the encodings old Chinese
text files come in. The rendered built-ins (builtin-*.docx) are written by
`go test ./importer -run TestBuiltinFixtures -update`.

Run from this folder: /usr/bin/python3 make_fixtures.py
Every value the tests expect is what a person reads off these documents.
"""

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from docx.oxml.ns import qn

FIXED_TIME = "2023-03-06T09:00:00"


def para(doc, text, size=16, bold=False, align=None, red=False, font="仿宋_GB2312"):
    p = doc.add_paragraph()
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = font
    run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
    if red:
        run.font.color.rgb = RGBColor(0xFF, 0, 0)
    return p


def save(doc, name):
    props = doc.core_properties
    # Word leaves whatever it likes here; these must not be taken for metadata.
    props.title = "公文模板"
    props.author = "Administrator"
    from datetime import datetime
    props.created = props.modified = datetime.fromisoformat(FIXED_TIME)
    props.last_modified_by = "Administrator"
    props.revision = 1
    doc.save(name)


def notice_title_two_paragraphs():
    """A 通知 typed in Word: the title wraps over two paragraphs, the number
    is typed with half-width brackets, the date of signing in Chinese
    numerals; the body quotes two other documents' numbers and titles and
    many dates; the 印发 date differs from the 成文日期."""
    d = Document()
    section = d.sections[0]
    header = section.header.paragraphs[0]
    header.text = "乌鲁木齐市司法局 2023年"  # a running head: not the document's text
    para(d, "乌鲁木齐市司法局文件", size=36, align="center", red=True, font="方正小标宋简体")
    para(d, "")
    para(d, "乌司发[2023]47号", align="center")
    para(d, "")
    para(d, "乌鲁木齐市司法局关于开展2023年度行政执法", size=22, align="center", font="方正小标宋简体")
    para(d, "案卷评查工作的通知", size=22, align="center", font="方正小标宋简体")
    para(d, "")
    para(d, "各区（县）司法局，市直各行政执法部门：")
    para(d, "　　根据《乌鲁木齐市司法局关于印发〈2023年行政执法监督工作实施方案〉的通知》"
            "（乌司发〔2023〕12号）和自治区司法厅《关于开展全区行政执法案卷评查工作的通知》"
            "（新司发〔2023〕8号）要求，经研究，决定于2023年4月10日至4月28日开展全市行政执法案卷评查。现将有关事项通知如下：")
    para(d, "　　一、评查范围")
    para(d, "　　2022年1月1日至2022年12月31日办结的行政处罚、行政许可案卷。")
    para(d, "　　二、时间安排")
    t = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("阶段", "时间"), ("自查", "2023年4月10日至4月17日"), ("集中评查", "2023年4月18日至4月28日")]):
        t.cell(r, 0).text = a
        t.cell(r, 1).text = b
    para(d, "　　三、有关要求")
    para(d, "　　请各单位于2023年5月15日前将自查报告报送市司法局行政执法监督科。")
    para(d, "")
    para(d, "　　附件：行政执法案卷评查标准")
    para(d, "")
    para(d, "乌鲁木齐市司法局", align="right")
    para(d, "二〇二三年三月五日", align="right")
    para(d, "　　（此件公开发布）")
    para(d, "")
    para(d, "抄送：自治区司法厅，市人民政府办公室。", size=14)
    para(d, "乌鲁木齐市司法局办公室　　　　　　2023年3月6日印发", size=14)
    save(d, "手工-评查通知-标题两段.docx")


def report_with_signer():
    """An upward 报告: the number in full-width parentheses on the line of
    the 签发人, the issuer on the line above 关于 in the title."""
    d = Document()
    para(d, "乌鲁木齐市司法局", size=36, align="center", red=True, font="方正小标宋简体")
    para(d, "")
    para(d, "乌司报（2023）5号　　　　　　　　签发人：王建华")
    para(d, "")
    para(d, "乌鲁木齐市司法局", size=22, align="center", font="方正小标宋简体")
    para(d, "关于2022年度行政执法监督工作情况的报告", size=22, align="center", font="方正小标宋简体")
    para(d, "")
    para(d, "自治区司法厅：")
    para(d, "　　按照《自治区司法厅关于做好2022年度行政执法监督工作总结的通知》（新司函〔2022〕113号）要求，"
            "现将我局2022年度行政执法监督工作情况报告如下：")
    para(d, "　　一、基本情况")
    para(d, "　　截至2022年12月31日，全年共制发行政执法监督通知书58件。")
    para(d, "　　特此报告。")
    para(d, "")
    para(d, "乌鲁木齐市司法局", align="right")
    para(d, "2023年1月18日", align="right")
    para(d, "　　（联系人：李娜，电话：0991-1234567）")
    save(d, "手工-年度报告-签发人.docx")


GB18030_BULLETIN = """乌鲁木齐市司法局文件

乌司发2023年21号

乌鲁木齐市司法局关于2022年度行政执法案卷评查情况的通报

各区（县）司法局，市直各行政执法部门，
高新区（新市区）、经开区（头屯河区）司法局：
　　按照《乌鲁木齐市司法局关于开展2022年度行政执法案卷评查工作的通知》（乌司发〔2022〕40号）安排，2022年11月至12月，市司法局组织对全市42个行政执法部门的1200卷案卷进行了评查。现将评查情况通报如下：
　　一、基本情况
　　本次评查优秀案卷312卷，合格案卷805卷，不合格案卷83卷。𠮷祥区市场监管所等单位案卷质量较好。
　　二、存在的问题
　　（一）部分案卷调查取证不规范。
　　（二）部分案卷文书送达不及时。
　　三、下一步要求
　　各单位要于2023年3月31日前完成整改。

　　附件：2022年度行政执法案卷评查结果

　　　　　　　　　　　　　　　　乌鲁木齐市司法局
　　　　　　　　　　　　　　　　2023年2月20日

抄送：自治区司法厅。
乌鲁木齐市司法局办公室　　　　　　2023年2月20日印发
"""

GBK_DECISION = """乌鲁木齐市司法局
行政执法监督决定书

乌司发(2023)第008号

乌鲁木齐市交通运输局：
　　我局于2023年1月9日对你局作出的乌交罚〔2022〕77号行政处罚决定进行了监督。经查明，该决定认定事实不清。根据《新疆维吾尔自治区行政执法监督条例》第二十九条规定，决定如下：
　　一、撤销乌交罚〔2022〕77号行政处罚决定；
　　二、请你局自收到本决定之日起30日内重新作出处理。

　　　　　　　　　　　　　　　　乌鲁木齐市司法局
　　　　　　　　　　　　　　　　2023年2月3日
"""

FULLWIDTH_LETTER = """乌鲁木齐市司法局

乌司函［２０２３］３３号

乌鲁木齐市司法局关于商请提供2022年度

行政执法统计数据的函

市统计局：
　　为做好2022年度法治政府建设考核工作，请贵局于2023年6月30日前提供2022年度全市行政执法统计数据。
　　此函。

乌鲁木齐市司法局
二〇二三年六月十二日
"""

UTF16_OPINION = """米东区司法局
米司发〔2024〕3号

米东区司法局关于规范涉企行政检查的行政执法协调监督意见书

米东区市场监督管理局：
　　经监督，你局2023年度对同一企业重复检查的情况较多。建议你局于2024年4月30日前制定年度检查计划。

米东区司法局
2024年3月18日
"""


def text_files():
    with open("通报-GB18030.txt", "wb") as f:
        f.write(GB18030_BULLETIN.replace("\n", "\r\n").encode("gb18030"))
    with open("决定书-GBK.txt", "wb") as f:
        f.write(GBK_DECISION.encode("gbk"))
    with open("函-全角文号.txt", "wb") as f:
        f.write(FULLWIDTH_LETTER.encode("utf-8"))
    with open("意见书-UTF16.txt", "wb") as f:
        f.write(UTF16_OPINION.encode("utf-16"))  # with a byte-order mark, as Notepad's "Unicode"


if __name__ == "__main__":
    notice_title_two_paragraphs()
    report_with_signer()
    text_files()
