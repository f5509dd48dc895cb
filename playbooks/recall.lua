-- recall.lua - a product safety recall: some of what we sold is not safe.
--
-- Safety comes before everything else in these messages:
--   * the first words tell the customer to stop using the product;
--   * the refund starts with the notice, and nobody has to send anything
--     back before they get their money;
--   * legal approves every public word before it goes out (approval =
--     "legal"), and the first customer notice must be out within 24 hours;
--   * customers who had already complained get a personal call;
--   * a reminder goes out every 7 days until the recall is resolved.
--
-- Before you open an incident with this playbook, edit the hazard sentence
-- in each template (here: a fuel valve that can leak gas) and set the
-- product and lots:
--   tocsin open recall --audience buyers.csv \
--     --set model="TrailBlaze TS-200" \
--     --set lots="TS200-2407, TS200-2408, TS200-2409"

playbook {
  id = "recall",
  title = "Product safety recall",
  summary = "A product we sold is unsafe. Stop use at once, refund in full, remind until closed.",
  params = {
    model = param.string {
      default = "TrailBlaze TS-200",
      doc = "the recalled model as printed on the product (public posts add the product type in each language)",
    },
    lots = param.string {
      default = "TS200-2407, TS200-2408, TS200-2409",
      doc = "the affected lot numbers, separated by commas",
    },
    hotline = param.string {
      default = "+1-212-555-0199",
      doc = "the phone line for anyone hurt or with a stove that leaked",
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
    product = "TrailBlaze TS-200 Camp Stove",
    lot = "TS200-2408",
    paid = "USD 89.00",
  },
}

-- The set of affected lots, read once from the 'lots' parameter.
local recalled = {}
for lot in tostring(params.lots):gmatch("[^,;%s]+") do
  recalled[lot] = true
end

audience "affected" {
  where = function(c) return c.lot ~= nil and recalled[c.lot] == true end,
  doc = "customers who bought the product from an affected lot",
}

audience "complained" {
  where = function(c)
    return c.lot ~= nil and recalled[c.lot] == true and c.stage == "complaint"
  end,
  doc = "affected customers who had already complained to us",
}

-- The refund is the price the customer paid (the 'paid' column), so it has
-- no fixed amount here.
compensation "refund" {
  kind = "refund",
  doc = "full refund of the price paid, started when the notice is sent",
}

deadline "customer-notice" { within = "24h", from = "open", wave = "notice" }

staffing {
  interval = "30m", horizon = "72h", shrinkage = 0.30, max_occupancy = 0.85,
  baseline = { voice = 12, chat = 6, email = 8 },
  -- Safety notices draw more calls than delay notices, and sooner.
  response = { rate = 0.25, peak_after = "45m", half_life = "8h" },
  mix = {
    voice = { share = 0.6, aht = "8m", target = "80/20s" },
    chat  = { share = 0.25, aht = "10m", target = "80/60s", concurrency = 2 },
    email = { share = 0.15, aht = "6m", reply_within = "4h" },
  },
  surge = {
    lead = "30m", channel = "staff", template = "surge",
    max = { voice = 60, chat = 25, email = 30 },
  },
}

-- A stove is used in the evening; the warning must not wait for morning.
wave "notice" {
  at = "0m", audience = "affected", channels = { "email", "sms" },
  template = "recall", approval = "legal", compensation = "refund",
  pace = "auto", quiet_hours = false,
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
wave "reminder" {
  every = "7d", ["until"] = "resolve", audience = "affected",
  channels = { first = { "email", "sms" } }, template = "reminder",
}
wave "closing" {
  on = "resolve", audience = "affected", channels = { "email" },
  template = "closing",
}
wave "public-closing" {
  on = "resolve", channels = { "banner", "status" }, template = "public-closing",
  approval = "legal",
}

-- Messages ----------------------------------------------------------------

template "recall" {
  en = {
    subject = "Safety recall: please stop using your {{product}} now",
    text = [[
Hi{{#first_name}} {{first_name}}{{/first_name}},

**Please stop using your {{product}} (lot {{lot}}) now.**

The fuel valve on stoves from this lot can leak gas, and the gas can catch fire. We designed and sold this stove, and it is not safe. This is our mistake and we are sorry.

**What to do now**

1. Turn the stove off, let it cool, and remove the gas canister.
2. Keep the stove outdoors or in a garage, away from children.
3. Do not try to repair it.

**Your refund:** we have started a full refund of {{paid|money}} to your original payment method. You do not need to send the stove back first. The money should reach you within 5 business days.

**What happens next:** a free return label will reach you in a separate email within 24 hours. You can also bring the stove to any of our stores. We will write again by {{next_update|datetime}}.

The lot number is on the label under the stove's base. Check it, and read the full recall details, here: <{{support_url}}>

If there is a fire or someone is hurt, call your local emergency number first. If your stove has leaked or caught fire, please call us on {{hotline}}.

The {{brand_name}} team
]],
    sms = "{{brand_name}} SAFETY RECALL: Stop using your {{product}} (lot {{lot}}) now. It can leak gas and catch fire. This is our mistake and we are sorry. Full refund of {{paid|money}} started. Return label by email within 24 hours. More: {{support_url}}",
  },
  ["zh-TW"] = {
    subject = "安全回收通知：請立即停止使用您的 {{product}}",
    text = [[
{{name}}您好：

**請立即停止使用您的 {{product}}。**

您的爐具批號是 {{lot}}，屬於這次回收的範圍。這個批號的爐具，瓦斯閥可能漏氣，漏出的瓦斯可能起火。這款爐具由我們設計和販售，它並不安全。這是我們的錯，我們非常抱歉。

**現在請這樣做**

1. 關閉爐具，等它冷卻後，取下瓦斯罐。
2. 把爐具放在戶外或車庫，並遠離孩童。
3. 請不要自行維修。

**您的退款**：我們已經開始將 {{paid|money}} 全額退回您原本的付款方式。您不必先寄回爐具，款項應會在5個工作天內入帳。

**接下來**：免運費的退貨標籤會在24小時內另外寄給您，您也可以把爐具送到任何一家門市。我們會在 {{next_update|datetime}} 前再寫信給您。

批號印在爐具底座下方的標籤上。請在這裡核對批號，並查看完整的回收資訊：<{{support_url}}>

如果發生火災或有人受傷，請先撥打當地的緊急電話。如果您的爐具曾經漏氣或起火，請撥打 {{hotline}} 與我們聯絡。

{{brand_name}} 團隊 敬上
]],
    sms = "【{{brand_name}}】安全回收：請立即停止使用您的爐具（批號 {{lot}}）。瓦斯閥可能漏氣起火。這是我們的錯，我們非常抱歉。{{paid|money}} 全額退款已開始處理，退貨標籤會在24小時內寄到您的信箱。詳情：{{support_url}}",
  },
  ["zh-CN"] = {
    subject = "安全召回通知：请立即停止使用您的 {{product}}",
    text = [[
{{name}}您好：

**请立即停止使用您的 {{product}}。**

您的炉具批号是 {{lot}}，属于这次召回的范围。这个批号的炉具，燃气阀可能漏气，漏出的燃气可能起火。这款炉具由我们设计和销售，它并不安全。这是我们的错，我们非常抱歉。

**现在请这样做**

1. 关闭炉具，等它冷却后，取下气罐。
2. 把炉具放在户外或车库，并远离儿童。
3. 请不要自行维修。

**您的退款**：我们已经开始将 {{paid|money}} 全额退回您原来的付款账户。您不必先寄回炉具，款项预计在5个工作日内到账。

**接下来**：免运费的退货面单会在24小时内另行发送给您，您也可以把炉具送到任何一家门店。我们会在 {{next_update|datetime}} 前再给您发邮件。

批号印在炉具底座下方的标签上。请在这里核对批号，并查看完整的召回信息：<{{support_url}}>

如果发生火灾或有人受伤，请先拨打当地的紧急电话。如果您的炉具曾经漏气或起火，请拨打 {{hotline}} 联系我们。

{{brand_name}} 团队
]],
    sms = "【{{brand_name}}】安全召回：请立即停止使用您的炉具（批号 {{lot}}）。燃气阀可能漏气起火。这是我们的错，我们非常抱歉。{{paid|money}} 全额退款已开始处理，退货面单会在24小时内发到您的邮箱。详情：{{support_url}}",
  },
}

-- The site banner and the status page entry. Broadcasts have no recipient,
-- so they use the parameters, never the audience columns.
template "public" {
  en = {
    banner = [[<p><strong>Safety recall: {{model}} camp stove.</strong> Affected lots: {{lots}}. Please stop using it now: the fuel valve can leak gas and catch fire. This is our mistake and we are sorry. Every owner gets a full refund. Next update by {{next_update|datetime}}. <a href="{{status_url}}">Check your lot number</a></p>]],
    subject = "Safety recall: {{model}} camp stove",
    text = [[
Affected lots: {{lots}}. If your {{model}} camp stove is from one of these lots, please stop using it now. The fuel valve can leak gas, and the gas can catch fire. This is our mistake and we are sorry.

We are contacting every customer who bought one. Every owner gets a full refund, and nobody needs to send the stove back first.

The lot number is on the label under the stove's base. If there is a fire or someone is hurt, call your local emergency number first. Then call us on {{hotline}}.

We will post the next update here by {{next_update|datetime}}. Full details: <{{support_url}}>
]],
  },
  ["zh-TW"] = {
    banner = [[<p><strong>安全回收通知：{{model}} 露營爐。</strong>受影響批號：{{lots}}。請立即停止使用，瓦斯閥可能漏氣起火。這是我們的錯，我們非常抱歉。每一位購買者都能獲得全額退款。下次更新時間：{{next_update|datetime}}。<a href="{{status_url}}">核對您的批號</a></p>]],
    subject = "安全回收通知：{{model}} 露營爐",
    text = [[
受影響批號：{{lots}}。如果您的 {{model}} 露營爐是這些批號之一，請立即停止使用。瓦斯閥可能漏氣，漏出的瓦斯可能起火。這是我們的錯，我們非常抱歉。

我們正在聯絡每一位購買的顧客。每一位購買者都能獲得全額退款，而且不必先寄回爐具。

批號印在爐具底座下方的標籤上。如果發生火災或有人受傷，請先撥打當地的緊急電話，再撥打 {{hotline}} 與我們聯絡。

我們會在 {{next_update|datetime}} 前在這裡發布下一次更新。完整資訊：<{{support_url}}>
]],
  },
  ["zh-CN"] = {
    banner = [[<p><strong>安全召回通知：{{model}} 露营炉。</strong>受影响批号：{{lots}}。请立即停止使用，燃气阀可能漏气起火。这是我们的错，我们非常抱歉。每一位购买者都能获得全额退款。下次更新时间：{{next_update|datetime}}。<a href="{{status_url}}">核对您的批号</a></p>]],
    subject = "安全召回通知：{{model}} 露营炉",
    text = [[
受影响批号：{{lots}}。如果您的 {{model}} 露营炉是这些批号之一，请立即停止使用。燃气阀可能漏气，漏出的燃气可能起火。这是我们的错，我们非常抱歉。

我们正在联系每一位购买的客户。每一位购买者都能获得全额退款，而且不必先寄回炉具。

批号印在炉具底座下方的标签上。如果发生火灾或有人受伤，请先拨打当地的紧急电话，再拨打 {{hotline}} 联系我们。

我们会在 {{next_update|datetime}} 前在这里发布下一次更新。完整信息：<{{support_url}}>
]],
  },
}

template "social" {
  en = {
    social = "Safety recall: stop using the {{model}} camp stove, lots {{lots}}. It can leak gas and catch fire. This is our mistake and we are sorry. Full refunds. Next update by {{next_update|datetime}}: {{status_url}}",
  },
  ["zh-TW"] = {
    social = "安全回收通知：請立即停止使用 {{model}} 露營爐。受影響批號：{{lots}}。瓦斯閥可能漏氣起火。這是我們的錯，我們非常抱歉。每一位購買者都能獲得全額退款。下次更新：{{next_update|datetime}}。詳情：{{status_url}}",
  },
  ["zh-CN"] = {
    social = "安全召回通知：请立即停止使用 {{model}} 露营炉。受影响批号：{{lots}}。燃气阀可能漏气起火。这是我们的错，我们非常抱歉。每一位购买者都能获得全额退款。下次更新：{{next_update|datetime}}。详情：{{status_url}}",
  },
}

template "call" {
  en = {
    call = [[
Call {{name}} (customer {{id}}, {{phone}}) today. They bought a recalled {{product}}, lot {{lot}}, and had already complained to us.
Open with: "This is our mistake and we are sorry."
Ask them to stop using the stove now, and check that nobody has been hurt.
Confirm that their full refund has started, and that they do not need to send the stove back first.
Tell them a free return label arrives by email within 24 hours. Our next update comes by {{next_update|datetime}}.
If anyone was hurt or the stove leaked or caught fire, pass the call to the safety team at once. Note the outcome in the ticket.
]],
  },
  ["zh-TW"] = {
    call = [[
請在今天致電 {{name}}（顧客編號 {{id}}，電話 {{phone}}）。這位顧客買了回收範圍內的爐具。產品：{{product}}，批號 {{lot}}。
這位顧客先前已向我們反映過問題。
開場請先說：「這是我們的錯，我們非常抱歉。」
請顧客立即停止使用爐具，並確認沒有人受傷。
告訴顧客全額退款已經開始處理，不必先寄回爐具。
告訴顧客退貨標籤會在24小時內寄到信箱，下一次更新會在 {{next_update|datetime}} 前寄出。
如果有人受傷，或爐具曾經漏氣、起火，請立刻把電話轉給安全小組。通話結果請記錄在工單中。
]],
  },
  ["zh-CN"] = {
    call = [[
请在今天致电 {{name}}（客户编号 {{id}}，电话 {{phone}}）。这位客户购买了召回范围内的炉具。产品：{{product}}，批号 {{lot}}。
这位客户之前已向我们投诉过。
开场请先说：“这是我们的错，我们非常抱歉。”
请客户立即停止使用炉具，并确认没有人受伤。
告诉客户全额退款已经开始处理，不必先寄回炉具。
告诉客户退货面单会在24小时内发到邮箱，下一次更新会在 {{next_update|datetime}} 前发出。
如果有人受伤，或炉具曾经漏气、起火，请立即把电话转给安全小组。通话结果请记录在工单中。
]],
  },
}

template "reminder" {
  en = {
    subject = "Reminder: please stop using your {{product}}",
    text = [[
Hi{{#first_name}} {{first_name}}{{/first_name}},

This is a reminder about our safety recall. The fuel valve on your {{product}} (lot {{lot}}) can leak gas, and the gas can catch fire. We are sorry to write again, but your safety comes first.

If you still have the stove, please stop using it. Send it back with the free return label we emailed you, or bring it to any of our stores.

If you cannot find the label, reply to this email. We will send a new one within 24 hours.

If you have already sent the stove back, thank you. You do not need to do anything else.

We will write again by {{next_update|datetime}}. Recall details: <{{support_url}}>

The {{brand_name}} team
]],
    sms = "{{brand_name}} recall reminder: if you still have your {{product}} (lot {{lot}}), please stop using it. Its fuel valve can leak gas. We are sorry to write again. We will remind you again in 7 days. Free return: {{support_url}}",
  },
  ["zh-TW"] = {
    subject = "提醒：請停止使用您的 {{product}}",
    text = [[
{{name}}您好：

這是安全回收的提醒通知。您的爐具批號是 {{lot}}，在回收範圍內。它的瓦斯閥可能漏氣，漏出的瓦斯可能起火。很抱歉再次打擾您，但您的安全最重要。

如果爐具還在您手上，請停止使用。您可以用我們寄給您的免運費退貨標籤寄回，或送到任何一家門市。

如果找不到退貨標籤，請直接回覆這封信，我們會在24小時內重新寄給您。

如果您已經寄回爐具，謝謝您，您不需要再做任何事。

我們會在 {{next_update|datetime}} 前再寫信給您。回收詳情：<{{support_url}}>

{{brand_name}} 團隊 敬上
]],
    sms = "【{{brand_name}}】回收提醒：您的爐具（批號 {{lot}}）瓦斯閥可能漏氣起火。如果還在您手上，請停止使用。很抱歉再次打擾，我們會在7天後再提醒您。免費退貨：{{support_url}}",
  },
  ["zh-CN"] = {
    subject = "提醒：请停止使用您的 {{product}}",
    text = [[
{{name}}您好：

这是安全召回的提醒通知。您的炉具批号是 {{lot}}，在召回范围内。它的燃气阀可能漏气，漏出的燃气可能起火。很抱歉再次打扰您，但您的安全最重要。

如果炉具还在您手上，请停止使用。您可以用我们发给您的免运费退货面单寄回，或送到任何一家门店。

如果找不到退货面单，请直接回复这封邮件，我们会在24小时内重新发给您。

如果您已经寄回炉具，谢谢您，您不需要再做任何事。

我们会在 {{next_update|datetime}} 前再给您发邮件。召回详情：<{{support_url}}>

{{brand_name}} 团队
]],
    sms = "【{{brand_name}}】召回提醒：您的炉具（批号 {{lot}}）燃气阀可能漏气起火。如果还在您手上，请停止使用。很抱歉再次打扰，我们会在7天后再提醒您。免费退货：{{support_url}}",
  },
}

template "closing" {
  en = {
    subject = "Recall update: your {{product}} can still be returned",
    text = [[
Hi{{#first_name}} {{first_name}}{{/first_name}},

We have now reached every customer who bought a {{product}} from the affected lots. Thank you for helping us keep people safe. We are sorry again that we sold you a stove that was not safe.

If you still have the stove, please stop using it. This recall has no end date: you can send it back at any time with a free label from <{{support_url}}>.

This is our last planned email about the recall. If anything is wrong with your return or refund, reply to this email. A person will answer within 24 hours.

The {{brand_name}} team
]],
  },
  ["zh-TW"] = {
    subject = "回收最新消息：您的 {{product}} 仍可隨時退回",
    text = [[
{{name}}您好：

我們已經聯絡上每一位購買受影響爐具的顧客。謝謝您協助我們保護大家的安全。賣給您一台不安全的爐具，我們再次說聲抱歉。

如果爐具還在您手上，請停止使用。這次回收沒有截止日期，您隨時可以在 <{{support_url}}> 取得免運費標籤寄回。

這是我們關於這次回收的最後一封計畫信件。如果退貨或退款有任何問題，請直接回覆這封信，專人會在24小時內回覆您。

{{brand_name}} 團隊 敬上
]],
  },
  ["zh-CN"] = {
    subject = "召回最新消息：您的 {{product}} 仍可随时退回",
    text = [[
{{name}}您好：

我们已经联系到每一位购买受影响炉具的客户。感谢您帮助我们保护大家的安全。卖给您一台不安全的炉具，我们再次说声抱歉。

如果炉具还在您手上，请停止使用。这次召回没有截止日期，您随时可以在 <{{support_url}}> 获取免运费面单寄回。

这是我们关于这次召回的最后一封计划内邮件。如果退货或退款有任何问题，请直接回复这封邮件，专人会在24小时内回复您。

{{brand_name}} 团队
]],
  },
}

template "public-closing" {
  en = {
    banner = [[<p><strong>Safety recall: {{model}} camp stove.</strong> Affected lots: {{lots}}. If you still have one, please stop using it. We are sorry we sold it. Returns stay open with no end date, and we answer every question within 24 hours. <a href="{{status_url}}">Details</a></p>]],
    subject = "Recall update: {{model}} camp stove returns stay open",
    text = [[
We have now contacted every customer who bought a {{model}} camp stove from the affected lots ({{lots}}). We are sorry again that we sold a product that was not safe.

If you still have one, please stop using it. Returns stay open with no end date, and every owner gets a full refund.

We will answer every question within 24 hours: <{{support_url}}>
]],
  },
  ["zh-TW"] = {
    banner = [[<p><strong>安全回收通知：{{model}} 露營爐。</strong>受影響批號：{{lots}}。如果還在您手上，請停止使用。賣出不安全的產品，我們很抱歉。退貨沒有截止日期，任何問題我們都會在24小時內回覆。<a href="{{status_url}}">查看詳情</a></p>]],
    subject = "回收最新消息：{{model}} 露營爐仍可隨時退回",
    text = [[
我們已經聯絡了每一位購買受影響 {{model}} 露營爐的顧客。受影響批號：{{lots}}。賣出不安全的產品，我們再次說聲抱歉。

如果產品還在您手上，請停止使用。退貨沒有截止日期，每一位購買者都能獲得全額退款。

任何問題，我們都會在24小時內回覆：<{{support_url}}>
]],
  },
  ["zh-CN"] = {
    banner = [[<p><strong>安全召回通知：{{model}} 露营炉。</strong>受影响批号：{{lots}}。如果还在您手上，请停止使用。卖出不安全的产品，我们很抱歉。退货没有截止日期，任何问题我们都会在24小时内回复。<a href="{{status_url}}">查看详情</a></p>]],
    subject = "召回最新消息：{{model}} 露营炉仍可随时退回",
    text = [[
我们已经联系了每一位购买受影响 {{model}} 露营炉的客户。受影响批号：{{lots}}。卖出不安全的产品，我们再次说声抱歉。

如果产品还在您手上，请停止使用。退货没有截止日期，每一位购买者都能获得全额退款。

任何问题，我们都会在24小时内回复：<{{support_url}}>
]],
  },
}

template "surge" {
  en = {
    staff = "{{brand_name}} incident {{incident_id}} (safety recall): recall notices are going out and calls will rise within the hour. Please join the support surge now. Numbers per channel: tocsin status {{incident_id}}. Next customer update by {{next_update|datetime}}. Status page: {{status_url}}",
  },
  ["zh-TW"] = {
    staff = "{{brand_name}} 事件 {{incident_id}}（安全回收）。回收通知正在寄出，一小時內來電量會上升。請立即加入客服支援。各管道所需人力：tocsin status {{incident_id}}。下一次顧客更新：{{next_update|datetime}}。狀態頁：{{status_url}}",
  },
  ["zh-CN"] = {
    staff = "{{brand_name}} 事件 {{incident_id}}（安全召回）。召回通知正在发出，一小时内来电量会上升。请立即加入客服支援。各渠道所需人力：tocsin status {{incident_id}}。下一次客户更新：{{next_update|datetime}}。状态页：{{status_url}}",
  },
}
