-- breach.lua - customers' personal data was exposed.
--
-- A breach notice is a legal document as well as an apology, so:
--   * one notice serves every jurisdiction we name below. The email text
--     carries the five headings California Civ. Code §1798.82 requires
--     (What happened / What information was involved / What we are doing /
--     What you can do / For more information), and under them what GDPR
--     Art. 34 (nature, contact point, likely consequences, measures taken),
--     PIPL Art. 57 (信息种类、原因、可能造成的危害、补救措施、个人可以采取的措施、
--     联系方式) and Taiwan's PDPA Art. 12 (事實及已採取之因應措施) ask for;
--   * legal approves every wave that customers or the public can read;
--   * the notice must be out within 72 hours of opening the incident, and
--     it carries the credit monitoring offer - the making-good arrives with
--     the apology, not days later;
--   * an update follows every 3 days until the investigation is resolved.
--
-- Set the facts when you open the incident, for example:
--   tocsin open breach --audience customers.csv \
--     --set discovered=2026-11-20T15:00:00Z \
--     --set exposed_from=2026-11-02T12:00:00Z --set exposed_to=2026-11-20T12:00:00Z
-- and change the "What happened" and "What information was involved"
-- sentences in every language to match what you actually know.

playbook {
  id = "breach",
  title = "Personal data breach notice",
  summary = "Customer data was exposed. Notify within 72h with the legally required sections.",
  jurisdiction = { "us-ca", "eu", "cn", "tw" },
  params = {
    discovered = param.datetime {
      default = "2026-11-20T15:00:00Z",
      doc = "when we found the breach (set it: the default is an example)",
    },
    exposed_from = param.datetime {
      default = "2026-11-02T12:00:00Z",
      doc = "the first day the data was exposed, as far as we know",
    },
    exposed_to = param.datetime {
      default = "2026-11-20T12:00:00Z",
      doc = "the day the exposure ended",
    },
    monitoring_months = param.integer {
      default = 24,
      doc = "months of free credit monitoring we pay for",
    },
    monitoring_url = param.string {
      default = "https://acme.example/protect",
      doc = "where customers enrol in credit monitoring with their code",
    },
    enrol_within = param.duration {
      default = "90d",
      doc = "how long the enrolment code stays valid",
    },
    hotline = param.string {
      default = "+1-212-555-0199",
      doc = "the phone line for questions about the breach",
    },
    dpo_email = param.string {
      default = "privacy@acme.example",
      doc = "the data protection officer: the contact point GDPR and PIPL require",
    },
  },
  sample = {
    id = "C0001",
    first_name = "Maria",
    name = "Maria Garcia",
    email = "maria.garcia@example.com",
    phone = "+12125550143",
    locale = "en",
    tz = "America/New_York",
    channels = "email;sms",
    stage = "complaint",
    breach_affected = "yes",
    monitoring_code = "ACM-4F7K-Q2ZP",
  },
}

audience "affected" {
  where = function(c) return c.breach_affected == "yes" end,
  doc = "customers whose records were in the copied data",
}

audience "complained" {
  where = function(c)
    return c.breach_affected == "yes" and c.stage == "complaint"
  end,
  doc = "affected customers who had already complained to us",
}

-- Each affected customer has an enrolment code in the monitoring_code column
-- (exported from the monitoring provider before the incident is opened).
compensation "monitoring" {
  kind = "gift",
  doc = "free credit monitoring for monitoring_months months",
}

-- GDPR Art. 33 gives 72 hours to tell the authority; we hold ourselves to the
-- same clock for the people whose data it is.
deadline "notify-individuals" { within = "72h", from = "open", wave = "notice" }

staffing {
  interval = "30m", horizon = "72h", shrinkage = 0.30, max_occupancy = 0.85,
  baseline = { voice = 12, chat = 6, email = 8 },
  response = { rate = 0.18, peak_after = "2h", half_life = "12h" },
  mix = {
    voice = { share = 0.55, aht = "9m", target = "80/20s" },
    chat  = { share = 0.25, aht = "11m", target = "80/60s", concurrency = 2 },
    email = { share = 0.20, aht = "7m", reply_within = "4h" },
  },
  surge = {
    lead = "30m", channel = "staff", template = "surge",
    max = { voice = 60, chat = 25, email = 30 },
  },
}

wave "notice" {
  at = "0m", audience = "affected", channels = { "email", "sms" },
  template = "notice", approval = "legal", compensation = "monitoring",
  pace = "auto",
}
wave "public" {
  at = "0m", channels = { "banner", "status" }, template = "public",
  approval = "legal",
}
wave "social" {
  at = "0m", channels = { "social" }, template = "social", approval = "legal",
}
wave "call-back" {
  at = "0m", audience = "complained", channels = { "tasks" }, template = "call",
  approval = "legal",
}
wave "update" {
  every = "3d", ["until"] = "resolve", audience = "affected",
  channels = { first = { "email", "sms" } }, template = "update",
}
wave "findings" {
  on = "resolve", audience = "affected", channels = { "email" },
  template = "findings", approval = "legal",
}

-- Messages ----------------------------------------------------------------
-- Keep the five headings, in this order, in every language: the linter
-- checks them, and readers find their way by them.

template "notice" {
  en = {
    subject = "Notice of Data Breach: we are sorry, some of your data was copied",
    text = [[
# Notice of Data Breach

Hi{{#first_name}} {{first_name}}{{/first_name}},

We failed to protect some of your personal information. This is our mistake and we are sorry. This notice explains what happened, what it could mean for you, and what we are doing.

## What happened

On {{discovered|date}}, we found that someone outside {{brand_name}} had copied part of our customer database. The cause was a backup server that we had set up wrongly. The copying took place between {{exposed_from|date}} and {{exposed_to|date}}. We shut off the access on the day we found it. A law enforcement investigation did not delay this notice.

## What information was involved

The copied records include your name, email address, phone number, shipping address and order history. For some customers they also include a date of birth. They do not include passwords, payment card numbers or bank details.

The likely consequences are scam emails, texts or calls that use these details to look as if they come from us. Someone could also try to open credit in your name.

## What we are doing

These are the measures we have taken so far:

- We closed the access and deleted the copy on the backup server.
- We locked down every backup server and added alerts for unusual downloads.
- We hired an independent security firm to investigate.
- We reported the breach to the police and to the data protection authorities.
- We are paying for {{monitoring_months}} months of credit monitoring for you.

## What you can do

- Enrol in your free credit monitoring at <{{monitoring_url}}> with the code {{monitoring_code}}. The code works for {{enrol_within|duration}}.
- Be careful with emails, texts and calls that claim to be from us. We will never ask for your password or card number.
- Tell us at once about any order or account with us that you do not recognise.
- In the US, you can also place a free fraud alert or security freeze with the credit bureaus.

## For more information

Visit <{{support_url}}> or call us on {{hotline}}. The line is open every day. Our data protection officer is your contact point for privacy questions: {{dpo_email}}.

We will write to you again by {{next_update|datetime}} with what the investigation has found.

The {{brand_name}} team
]],
    sms = "{{brand_name}}: We failed to protect some of your personal data. This is our mistake and we are sorry. Your free credit monitoring code: {{monitoring_code}}. We will never ask for your password. Next update within 3 days. Full notice: {{support_url}}",
  },
  ["zh-TW"] = {
    subject = "個人資料外洩通知：很抱歉，您的部分資料遭到複製",
    text = [[
# 個人資料外洩通知

{{name}}您好：

我們沒有保護好您的部分個人資料。這是我們的錯，我們非常抱歉。以下說明事實經過、可能對您造成的影響，以及我們已採取的因應措施。

## 發生了什麼事

我們在 {{discovered|date}} 發現，{{brand_name}} 以外的人複製了我們部分的顧客資料庫。原因是我們的一台備份伺服器設定錯誤。資料遭複製的期間是 {{exposed_from|date}} 至 {{exposed_to|date}}。我們在發現當天就封鎖了對方的存取。這份通知並未因執法機關的調查而延後。

## 涉及哪些資料

遭複製的資料包含您的姓名、電子郵件地址、電話號碼、收件地址和訂購紀錄。部分顧客的資料還包含出生日期。資料中沒有密碼、信用卡號碼或銀行帳戶資料。

可能的影響：有人可能利用這些資料冒充我們，寄送詐騙郵件、簡訊或打電話給您。也有人可能冒用您的名義申辦信用卡或貸款。

## 我們正在做什麼

我們已採取以下因應措施：

- 封鎖對方的存取，並刪除備份伺服器上的資料副本。
- 加強所有備份伺服器的防護，出現異常下載時會立即警示。
- 委託獨立的資安公司進行調查。
- 已向警方及個人資料保護主管機關通報。
- 為您支付 {{monitoring_months}} 個月的信用監控服務費用。

## 您可以怎麼做

- 前往 <{{monitoring_url}}> 輸入代碼 {{monitoring_code}}，即可免費使用信用監控服務。代碼在{{enrol_within|duration}}內有效。
- 收到自稱來自我們的郵件、簡訊或電話時，請提高警覺。我們絕不會向您索取密碼或信用卡號碼。
- 如果發現您不認得的訂單或帳戶，請立即告訴我們。

## 更多資訊

請前往 <{{support_url}}>，或撥打 {{hotline}} 與我們聯絡，專線每天都有人接聽。個人資料相關問題，請聯絡我們的個人資料保護負責人：{{dpo_email}}。

我們會在 {{next_update|datetime}} 前再寫信告訴您調查結果。

{{brand_name}} 團隊 敬上
]],
    sms = "【{{brand_name}}】我們沒有保護好您的部分個人資料。這是我們的錯，我們非常抱歉。您的免費信用監控代碼：{{monitoring_code}}。我們絕不會向您索取密碼。3天內會再更新。完整通知：{{support_url}}",
  },
  ["zh-CN"] = {
    subject = "个人信息泄露通知：非常抱歉，您的部分信息被复制",
    text = [[
# 个人信息泄露通知

{{name}}您好：

我们没有保护好您的部分个人信息。这是我们的错，我们非常抱歉。以下说明事件经过、原因、可能造成的危害，以及我们已采取的补救措施。

## 发生了什么

我们在 {{discovered|date}} 发现，{{brand_name}} 以外的人复制了我们的部分客户数据库。原因是我们的一台备份服务器配置错误。数据被复制的时间段是 {{exposed_from|date}} 至 {{exposed_to|date}}。我们在发现当天就切断了对方的访问。本通知没有因执法机关的调查而推迟。

## 涉及哪些信息

被复制的信息种类包括：您的姓名、电子邮箱、电话号码、收货地址和订单记录。部分客户的信息还包括出生日期。其中不包括密码、银行卡号或银行账户信息。

可能造成的危害：有人可能利用这些信息冒充我们，向您发送诈骗邮件、短信或拨打诈骗电话。也有人可能冒用您的身份申请信用卡或贷款。

## 我们正在做什么

我们已采取以下补救措施：

- 切断对方的访问，并删除备份服务器上的数据副本。
- 加强所有备份服务器的防护，出现异常下载时会立即报警。
- 委托独立的安全公司开展调查。
- 已向公安机关和个人信息保护主管部门报告。
- 为您支付 {{monitoring_months}} 个月的信用监控服务费用。

## 您可以怎么做

以下措施可以帮助您减轻可能的危害：

- 访问 <{{monitoring_url}}> 并输入代码 {{monitoring_code}}，即可免费使用信用监控服务。代码在{{enrol_within|duration}}内有效。
- 收到自称来自我们的邮件、短信或电话时，请提高警惕。我们绝不会向您索要密码或银行卡号。
- 如果发现您不认识的订单或账户，请立即告诉我们。

## 更多信息

联系方式：请访问 <{{support_url}}>，或拨打 {{hotline}}，热线每天都有人接听。个人信息保护相关问题，请联系我们的个人信息保护负责人：{{dpo_email}}。

我们会在 {{next_update|datetime}} 前再给您发邮件，告知调查结果。

{{brand_name}} 团队
]],
    sms = "【{{brand_name}}】我们没有保护好您的部分个人信息。这是我们的错，我们非常抱歉。您的免费信用监控代码：{{monitoring_code}}。我们绝不会向您索要密码。3天内会再更新。完整通知：{{support_url}}",
  },
}

-- The site banner and the public status page entry (subject + text). They
-- carry the same five headings as the email, without anyone's details.
template "public" {
  en = {
    banner = [[<p><strong>We failed to protect some customer data. This is our mistake and we are sorry.</strong> Passwords and card numbers were not involved. We are writing to every customer affected. Next update by {{next_update|datetime}}. <a href="{{status_url}}">What happened and what to do</a></p>]],
    subject = "Notice of Data Breach: what happened and what you can do",
    text = [[
We failed to protect some of our customers' personal information. This is our mistake and we are sorry.

## What happened

On {{discovered|date}}, we found that someone outside {{brand_name}} had copied part of our customer database. The cause was a backup server that we had set up wrongly. We shut off the access the same day.

## What information was involved

Names, email addresses, phone numbers, shipping addresses, order history and some dates of birth. No passwords, payment card numbers or bank details. The likely consequences are scam messages and calls that pretend to come from us.

## What we are doing

We closed the access, locked down every backup server and hired an independent security firm. We reported the breach to the police and the data protection authorities. We are writing to every customer affected.

## What you can do

Be careful with messages and calls that claim to be from us. We will never ask for your password or card number.

## For more information

Visit <{{support_url}}> or call {{hotline}}. Our data protection officer is the contact point for privacy questions: {{dpo_email}}. We will post the next update here by {{next_update|datetime}}.
]],
  },
  ["zh-TW"] = {
    banner = [[<p><strong>我們沒有保護好部分顧客的個人資料。這是我們的錯，我們非常抱歉。</strong>外洩資料不包含密碼和信用卡號碼。我們正在通知每一位受影響的顧客。下次更新時間：{{next_update|datetime}}。<a href="{{status_url}}">了解事件經過與因應方式</a></p>]],
    subject = "個人資料外洩通知：事件經過與您可以怎麼做",
    text = [[
我們沒有保護好部分顧客的個人資料。這是我們的錯，我們非常抱歉。

## 發生了什麼事

我們在 {{discovered|date}} 發現，{{brand_name}} 以外的人複製了我們部分的顧客資料庫。原因是我們的一台備份伺服器設定錯誤。我們在當天就封鎖了對方的存取。

## 涉及哪些資料

姓名、電子郵件地址、電話號碼、收件地址、訂購紀錄，以及部分出生日期。不包含密碼、信用卡號碼或銀行帳戶資料。可能的影響是有人冒充我們，寄送詐騙訊息或打詐騙電話。

## 我們正在做什麼

我們已採取的因應措施：封鎖對方的存取、加強所有備份伺服器的防護，並委託獨立的資安公司調查。我們已向警方及個人資料保護主管機關通報，並正在通知每一位受影響的顧客。

## 您可以怎麼做

收到自稱來自我們的訊息或電話時，請提高警覺。我們絕不會向您索取密碼或信用卡號碼。

## 更多資訊

請前往 <{{support_url}}>，或撥打 {{hotline}}。個人資料相關問題，請聯絡我們的個人資料保護負責人：{{dpo_email}}。我們會在 {{next_update|datetime}} 前在這裡發布下一次更新。
]],
  },
  ["zh-CN"] = {
    banner = [[<p><strong>我们没有保护好部分客户的个人信息。这是我们的错，我们非常抱歉。</strong>泄露的信息不包括密码和银行卡号。我们正在通知每一位受影响的客户。下次更新时间：{{next_update|datetime}}。<a href="{{status_url}}">了解事件经过和应对方法</a></p>]],
    subject = "个人信息泄露通知：事件经过和您可以怎么做",
    text = [[
我们没有保护好部分客户的个人信息。这是我们的错，我们非常抱歉。

## 发生了什么

我们在 {{discovered|date}} 发现，{{brand_name}} 以外的人复制了我们的部分客户数据库。原因是我们的一台备份服务器配置错误。我们在当天就切断了对方的访问。

## 涉及哪些信息

信息种类包括姓名、电子邮箱、电话号码、收货地址、订单记录，以及部分出生日期。不包括密码、银行卡号或银行账户信息。可能造成的危害是有人冒充我们，发送诈骗信息或拨打诈骗电话。

## 我们正在做什么

我们已采取的补救措施：切断对方的访问、加强所有备份服务器的防护，并委托独立的安全公司开展调查。我们已向公安机关和个人信息保护主管部门报告，并正在通知每一位受影响的客户。

## 您可以怎么做

收到自称来自我们的信息或电话时，请提高警惕。我们绝不会向您索要密码或银行卡号。

## 更多信息

联系方式：请访问 <{{support_url}}>，或拨打 {{hotline}}。个人信息保护相关问题，请联系我们的个人信息保护负责人：{{dpo_email}}。我们会在 {{next_update|datetime}} 前在这里发布下一次更新。
]],
  },
}

template "social" {
  en = {
    social = "We failed to protect some customer data: someone copied part of our customer database through a backup server we set up wrongly. This is our mistake and we are sorry. No passwords or card numbers. Next update by {{next_update|datetime}}: {{status_url}}",
  },
  ["zh-TW"] = {
    social = "我們沒有保護好部分顧客的個人資料。一台設定錯誤的備份伺服器，讓外部人士複製了部分顧客資料。這是我們的錯，我們非常抱歉。不包含密碼和信用卡號碼。下次更新：{{next_update|datetime}}。詳情：{{status_url}}",
  },
  ["zh-CN"] = {
    social = "我们没有保护好部分客户的个人信息。一台配置错误的备份服务器，让外部人员复制了部分客户数据。这是我们的错，我们非常抱歉。不包括密码和银行卡号。下次更新：{{next_update|datetime}}。详情：{{status_url}}",
  },
}

template "call" {
  en = {
    call = [[
Call {{name}} (customer {{id}}, {{phone}}) today. Their data was in the breach, and they had already complained to us.
Open with: "We failed to protect your information. This is our mistake and we are sorry."
Explain what was copied: name, email, phone, shipping address, order history and for some a date of birth. No passwords or card numbers.
Make sure they have their credit monitoring code, and help them enrol if they want to.
Remind them that we will never ask for a password or card number. Our next update comes by {{next_update|datetime}}.
Do not read out or confirm any personal details over the phone. Note the outcome in the ticket.
]],
  },
  ["zh-TW"] = {
    call = [[
請在今天致電 {{name}}（顧客編號 {{id}}，電話 {{phone}}）。這位顧客的資料在外洩範圍內，而且先前已向我們反映過問題。
開場請先說：「我們沒有保護好您的資料。這是我們的錯，我們非常抱歉。」
說明遭複製的資料：姓名、電子郵件、電話、收件地址、訂購紀錄，部分顧客還有出生日期。不包含密碼或信用卡號碼。
確認顧客已收到信用監控代碼，如有需要，協助顧客完成登記。
提醒顧客我們絕不會索取密碼或信用卡號碼。下一次更新會在 {{next_update|datetime}} 前寄出。
請勿在電話中唸出或確認任何個人資料。通話結果請記錄在工單中。
]],
  },
  ["zh-CN"] = {
    call = [[
请在今天致电 {{name}}（客户编号 {{id}}，电话 {{phone}}）。这位客户的信息在泄露范围内，而且之前已向我们投诉过。
开场请先说：“我们没有保护好您的信息。这是我们的错，我们非常抱歉。”
说明被复制的信息：姓名、电子邮箱、电话、收货地址、订单记录，部分客户还有出生日期。不包括密码或银行卡号。
确认客户已收到信用监控代码，如有需要，协助客户完成登记。
提醒客户我们绝不会索要密码或银行卡号。下一次更新会在 {{next_update|datetime}} 前发出。
请勿在电话中读出或确认任何个人信息。通话结果请记录在工单中。
]],
  },
}

template "update" {
  en = {
    subject = "Update on the data breach: what we know now",
    text = [[
# Update on the data breach

Hi{{#first_name}} {{first_name}}{{/first_name}},

This is our regular update on the data breach we told you about. We are sorry, again, that we failed to protect your information.

## What happened

On {{discovered|date}}, we found that someone outside {{brand_name}} had copied part of our customer database. The cause was a backup server that we had set up wrongly. Our investigation is still going on.

## What information was involved

Names, email addresses, phone numbers, shipping addresses, order history and some dates of birth. No passwords, card numbers or bank details. The likely consequences are still scam messages and calls that pretend to come from us.

## What we are doing

An independent security firm is still investigating, and we are working with the authorities. When we learn something that matters to you, we will tell you at once.

## What you can do

Stay careful with messages and calls that claim to be from us. We will never ask for your password or card number. If you have not enrolled in credit monitoring yet, you still can at <{{monitoring_url}}>.

## For more information

Visit <{{support_url}}> or call {{hotline}}. Our data protection officer is your contact point: {{dpo_email}}.

Our next update comes by {{next_update|datetime}}, even if there is no news.

The {{brand_name}} team
]],
    sms = "{{brand_name}}: Update on the data breach. We are sorry again. The investigation is still going on, and we will tell you at once if we learn something that affects you. Next update within 3 days. Info: {{support_url}}",
  },
  ["zh-TW"] = {
    subject = "個人資料外洩事件：最新進度",
    text = [[
# 個人資料外洩事件最新進度

{{name}}您好：

這是我們針對個人資料外洩事件的定期更新。沒有保護好您的資料，我們再次向您說聲抱歉。

## 發生了什麼事

我們在 {{discovered|date}} 發現，{{brand_name}} 以外的人複製了我們部分的顧客資料庫。原因是我們的一台備份伺服器設定錯誤。調查仍在進行中。

## 涉及哪些資料

姓名、電子郵件地址、電話號碼、收件地址、訂購紀錄，以及部分出生日期。不包含密碼、信用卡號碼或銀行帳戶資料。可能的影響仍是有人冒充我們，寄送詐騙訊息或打詐騙電話。

## 我們正在做什麼

獨立的資安公司仍在調查，我們也持續配合主管機關。只要發現與您有關的新情況，我們會立即通知您。

## 您可以怎麼做

收到自稱來自我們的訊息或電話時，請提高警覺。我們絕不會向您索取密碼或信用卡號碼。如果您還沒登記信用監控服務，仍可前往 <{{monitoring_url}}> 登記。

## 更多資訊

請前往 <{{support_url}}>，或撥打 {{hotline}}。個人資料相關問題，請聯絡我們的個人資料保護負責人：{{dpo_email}}。

即使沒有新消息，我們也會在 {{next_update|datetime}} 前再次更新。

{{brand_name}} 團隊 敬上
]],
    sms = "【{{brand_name}}】個資外洩事件更新：再次向您說聲抱歉。調查仍在進行，發現與您有關的新情況時，我們會立即通知您。3天內會再更新。詳情：{{support_url}}",
  },
  ["zh-CN"] = {
    subject = "个人信息泄露事件：最新进展",
    text = [[
# 个人信息泄露事件最新进展

{{name}}您好：

这是我们针对个人信息泄露事件的定期更新。没有保护好您的信息，我们再次向您说声抱歉。

## 发生了什么

我们在 {{discovered|date}} 发现，{{brand_name}} 以外的人复制了我们的部分客户数据库。原因是我们的一台备份服务器配置错误。调查仍在进行中。

## 涉及哪些信息

信息种类包括姓名、电子邮箱、电话号码、收货地址、订单记录，以及部分出生日期。不包括密码、银行卡号或银行账户信息。可能造成的危害仍是有人冒充我们，发送诈骗信息或拨打诈骗电话。

## 我们正在做什么

独立的安全公司仍在调查，我们也在持续配合主管部门。我们采取的补救措施一旦有新进展，或发现与您有关的新情况，会立即通知您。

## 您可以怎么做

收到自称来自我们的信息或电话时，请提高警惕。我们绝不会向您索要密码或银行卡号。如果您还没有登记信用监控服务，仍可访问 <{{monitoring_url}}> 登记。

## 更多信息

联系方式：请访问 <{{support_url}}>，或拨打 {{hotline}}。个人信息保护相关问题，请联系我们的个人信息保护负责人：{{dpo_email}}。

即使没有新消息，我们也会在 {{next_update|datetime}} 前再次更新。

{{brand_name}} 团队
]],
    sms = "【{{brand_name}}】个人信息泄露事件更新：再次向您说声抱歉。调查仍在进行，发现与您有关的新情况时，我们会立即通知您。3天内会再更新。详情：{{support_url}}",
  },
}

template "findings" {
  en = {
    subject = "Data breach: our investigation is complete",
    text = [[
# Data breach: our investigation is complete

Hi{{#first_name}} {{first_name}}{{/first_name}},

Our investigation into the data breach is complete. We are sorry, once more, that we failed to protect your information.

## What happened

The independent security firm confirmed what we told you. Someone outside {{brand_name}} copied part of our customer database between {{exposed_from|date}} and {{exposed_to|date}}. They got in through a backup server that we had set up wrongly.

## What information was involved

The same as in our first notice: names, email addresses, phone numbers, shipping addresses, order history and some dates of birth. No passwords, card numbers or bank details. The likely consequences are scam messages and calls, and attempts to open credit in your name.

## What we are doing

We have rebuilt the backup system, checked every other server and added alerts for unusual downloads. An outside firm will now test our systems every six months.

## What you can do

Keep watching for messages and calls that claim to be from us. We will never ask for your password or card number. If you enrolled in credit monitoring, it stays active for the full period.

## For more information

This is our last planned email about the breach. If we learn anything new that affects you, we will write within 72 hours. Visit <{{support_url}}>, call {{hotline}}, or write to our data protection officer at {{dpo_email}}.

The {{brand_name}} team
]],
  },
  ["zh-TW"] = {
    subject = "個人資料外洩事件：調查已完成",
    text = [[
# 個人資料外洩事件：調查已完成

{{name}}您好：

我們針對個人資料外洩事件的調查已經完成。沒有保護好您的資料，我們再一次向您說聲抱歉。

## 發生了什麼事

獨立的資安公司證實了我們先前告訴您的事實。{{brand_name}} 以外的人複製了我們部分的顧客資料庫。原因是一台設定錯誤的備份伺服器。資料遭複製的期間是 {{exposed_from|date}} 至 {{exposed_to|date}}。

## 涉及哪些資料

與第一封通知相同：姓名、電子郵件地址、電話號碼、收件地址、訂購紀錄，以及部分出生日期。不包含密碼、信用卡號碼或銀行帳戶資料。可能的影響是詐騙訊息、詐騙電話，以及有人冒用您的名義申辦信用卡或貸款。

## 我們正在做什麼

我們已採取的因應措施：重建備份系統、檢查所有其他伺服器，並加上異常下載警示。今後每六個月，都會由外部公司檢測我們的系統。

## 您可以怎麼做

收到自稱來自我們的訊息或電話時，請繼續提高警覺。我們絕不會向您索取密碼或信用卡號碼。如果您已登記信用監控服務，服務會持續到期滿為止。

## 更多資訊

這是我們關於這次事件的最後一封計畫信件。如果發現與您有關的新情況，我們會在72小時內寫信通知您。請前往 <{{support_url}}> 或撥打 {{hotline}}。個人資料相關問題，也可以寫信給我們的個人資料保護負責人：{{dpo_email}}。

{{brand_name}} 團隊 敬上
]],
  },
  ["zh-CN"] = {
    subject = "个人信息泄露事件：调查已完成",
    text = [[
# 个人信息泄露事件：调查已完成

{{name}}您好：

我们针对个人信息泄露事件的调查已经完成。没有保护好您的信息，我们再一次向您说声抱歉。

## 发生了什么

独立的安全公司证实了我们之前告诉您的情况。{{brand_name}} 以外的人复制了我们的部分客户数据库。原因是一台配置错误的备份服务器。数据被复制的时间段是 {{exposed_from|date}} 至 {{exposed_to|date}}。

## 涉及哪些信息

与第一封通知相同，信息种类包括姓名、电子邮箱、电话号码、收货地址、订单记录，以及部分出生日期。不包括密码、银行卡号或银行账户信息。可能造成的危害是诈骗信息、诈骗电话，以及有人冒用您的身份申请信用卡或贷款。

## 我们正在做什么

我们已采取的补救措施：重建备份系统、检查所有其他服务器，并增加了异常下载报警。今后每六个月，都会由外部公司检测我们的系统。

## 您可以怎么做

收到自称来自我们的信息或电话时，请继续提高警惕。我们绝不会向您索要密码或银行卡号。如果您已登记信用监控服务，服务会持续到期满为止。

## 更多信息

这是我们关于这次事件的最后一封计划内邮件。如果发现与您有关的新情况，我们会在72小时内发邮件通知您。联系方式：请访问 <{{support_url}}> 或拨打 {{hotline}}。个人信息保护相关问题，也可以发邮件给我们的个人信息保护负责人：{{dpo_email}}。

{{brand_name}} 团队
]],
  },
}

template "surge" {
  en = {
    staff = "{{brand_name}} incident {{incident_id}} (data breach): breach notices are going out and contacts will rise within two hours. Please join the support surge now. Numbers per channel: tocsin status {{incident_id}}. Next customer update by {{next_update|datetime}}. Status page: {{status_url}}",
  },
  ["zh-TW"] = {
    staff = "{{brand_name}} 事件 {{incident_id}}（個資外洩）。外洩通知正在寄出，兩小時內諮詢量會上升。請立即加入客服支援。各管道所需人力：tocsin status {{incident_id}}。下一次顧客更新：{{next_update|datetime}}。狀態頁：{{status_url}}",
  },
  ["zh-CN"] = {
    staff = "{{brand_name}} 事件 {{incident_id}}（信息泄露）。泄露通知正在发出，两小时内咨询量会上升。请立即加入客服支援。各渠道所需人力：tocsin status {{incident_id}}。下一次客户更新：{{next_update|datetime}}。状态页：{{status_url}}",
  },
}
