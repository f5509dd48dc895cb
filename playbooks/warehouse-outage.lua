-- warehouse-outage.lua - orders cannot ship because the warehouse is down.
--
-- The shape of this playbook follows what helps customers most:
--   * tell every customer with a stuck order at once (minute 0), before they
--     notice and before they complain;
--   * say sorry and own it, say when the order should ship, and say when we
--     will write again - then keep that promise every 12 hours, even when
--     there is no news;
--   * call the customers who had already complained, so a person reaches
--     them first;
--   * when it is fixed, give the store credit in the same message that says
--     sorry, so the apology and the making-good arrive together.
--
-- Preview every message:   tocsin preview warehouse-outage
-- Check wording and limits: tocsin check playbooks/warehouse-outage.lua
-- Rehearse the timeline:   tocsin drill warehouse-outage --audience playbooks/samples/customers.csv

playbook {
  id = "warehouse-outage",
  title = "Warehouse / fulfilment outage",
  summary = "Orders cannot ship. Tell affected customers first, staff up, compensate.",
  params = {
    eta = param.duration {
      default = "48h",
      doc = "how much longer we expect orders to wait before they ship",
    },
    credit = param.money {
      default = "USD 20",
      doc = "store credit added to each affected customer's account when we resolve",
    },
  },
  -- The made-up customer every message is previewed and checked with.
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
    order_id = "A1-204518",
    order_status = "pending",
    tracking_url = "https://acme.example/orders/A1-204518",
  },
}

-- Who is affected: every customer whose order has not left the warehouse.
audience "affected" {
  where = function(c) return c.order_status == "pending" end,
  doc = "customers with an order that has not shipped",
}

-- Who gets a personal call: affected customers who had already complained.
audience "complained" {
  where = function(c)
    return c.order_status == "pending" and c.stage == "complaint"
  end,
  doc = "affected customers who had already complained to us",
}

compensation "credit" {
  kind = "credit",
  amount = params.credit,
  doc = "store credit on the customer's account, usable at once",
}

-- The first notice must be out within 4 hours of opening the incident.
deadline "first-notice" { within = "4h", from = "open", wave = "acknowledge" }

-- How many agents the messages will need (see docs/writing-playbooks.md).
staffing {
  interval = "30m", horizon = "72h", shrinkage = 0.30, max_occupancy = 0.85,
  baseline = { voice = 12, chat = 6, email = 8 },
  response = { rate = 0.12, peak_after = "1h", half_life = "6h" },
  mix = {
    voice = { share = 0.5, aht = "6m", target = "80/20s" },
    chat  = { share = 0.3, aht = "9m", target = "80/60s", concurrency = 2 },
    email = { share = 0.2, aht = "5m", reply_within = "4h" },
  },
  surge = {
    lead = "30m", channel = "staff", template = "surge",
    max = { voice = 40, chat = 20, email = 30 },
  },
}

wave "acknowledge" {
  at = "0m", audience = "affected", channels = { "email", "sms" },
  template = "ack", pace = "auto",
}
wave "banner" { at = "0m", channels = { "banner", "status" }, template = "banner" }
wave "social" {
  at = "10m", channels = { "social" }, template = "social", approval = "comms-lead",
}
wave "call-back" {
  at = "0m", audience = "complained", channels = { "tasks" }, template = "call",
}
-- Silence is the enemy: an update every 12 hours until we resolve, on the
-- one channel each customer prefers.
wave "still-working" {
  every = "12h", ["until"] = "resolve", audience = "affected",
  channels = { first = { "email", "sms" } }, template = "update",
}
wave "public-update" {
  every = "12h", ["until"] = "resolve", channels = { "banner", "status" },
  template = "public-update",
}
wave "resolved" {
  on = "resolve", audience = "affected", channels = { "email", "sms" },
  template = "resolved", compensation = "credit",
}
wave "all-clear" {
  on = "resolve", channels = { "banner", "status" }, template = "all-clear",
}

-- Messages ----------------------------------------------------------------
-- SMS texts avoid curly quotes and the ellipsis: one of those turns an
-- English text into the 70-character Unicode encoding and doubles its cost.
-- English SMS say "within 12 hours" rather than a clock time, because some
-- date formats carry a special space that has the same effect.

template "ack" {
  en = {
    subject = "We're sorry: your order {{order_id}} is delayed",
    text = [[
Hi{{#first_name}} {{first_name}}{{/first_name}},

Our warehouse systems failed, and your order {{order_id}} has not shipped. This is our mistake and we are sorry.

**What happens next:** we expect your order to ship within {{eta|duration}}. You do not need to do anything. Your order keeps its place in the queue.

You can check your order at any time: <{{tracking_url}}>

We will write to you again by {{next_update|datetime}}, even if nothing has changed.

If you would rather cancel, reply to this email. We will cancel the order and refund you in full the same day.

Questions? Visit <{{support_url}}> or reply to this email.

The {{brand_name}} team
]],
    sms = "{{brand_name}}: This is our mistake and we are sorry. Our warehouse systems failed and order {{order_id}} has not shipped. We expect it to ship within {{eta|duration}}. We will text again within 12 hours. Track it: {{tracking_url}}",
  },
  ["zh-TW"] = {
    subject = "很抱歉，您的訂單 {{order_id}} 延遲出貨",
    text = [[
{{name}}您好：

我們的倉庫系統發生故障，您的訂單 {{order_id}} 還沒有出貨。這是我們的錯，我們非常抱歉。

**接下來**：我們預計在{{eta|duration}}內為您出貨。您不需要做任何事，訂單會保留原本的出貨順序。

您可以隨時查看訂單狀態：<{{tracking_url}}>

即使沒有新進展，我們也會在 {{next_update|datetime}} 前再寫信給您。

如果您想取消訂單，直接回覆這封信即可。我們會取消訂單，並在當天全額退款。

有任何問題，請前往 <{{support_url}}>，或直接回覆這封信。

{{brand_name}} 團隊 敬上
]],
    sms = "【{{brand_name}}】這是我們的錯，我們非常抱歉。倉庫系統故障，您的訂單 {{order_id}} 尚未出貨，預計{{eta|duration}}內出貨。我們會在12小時內再通知您。查詢訂單：{{tracking_url}}",
  },
  ["zh-CN"] = {
    subject = "非常抱歉，您的订单 {{order_id}} 延迟发货",
    text = [[
{{name}}您好：

我们的仓库系统出现故障，您的订单 {{order_id}} 还没有发货。这是我们的错，我们非常抱歉。

**接下来**：我们预计在{{eta|duration}}内为您发货。您无需进行任何操作，订单会保留原来的发货顺序。

您可以随时查看订单状态：<{{tracking_url}}>

即使没有新进展，我们也会在 {{next_update|datetime}} 前再给您发邮件。

如果您想取消订单，直接回复这封邮件即可。我们会取消订单，并在当天全额退款。

如有任何问题，请访问 <{{support_url}}>，或直接回复这封邮件。

{{brand_name}} 团队
]],
    sms = "【{{brand_name}}】这是我们的错，我们非常抱歉。仓库系统故障，您的订单 {{order_id}} 尚未发货，预计{{eta|duration}}内发货。我们会在12小时内再通知您。查看订单：{{tracking_url}}",
  },
}

-- The site banner (banner) and the status page entry (subject + text).
template "banner" {
  en = {
    banner = [[<p><strong>Orders are delayed. This is our mistake and we are sorry.</strong> Our warehouse systems failed and orders are not shipping. We will update this notice by {{next_update|datetime}}. <a href="{{status_url}}">Latest news</a></p>]],
    subject = "Orders are delayed: our warehouse systems failed",
    text = [[
Our warehouse systems failed, and orders are not shipping. This is our mistake and we are sorry.

We are writing to every customer whose order is affected. We expect orders to ship again within {{eta|duration}}.

We will post the next update here by {{next_update|datetime}}. Questions: <{{support_url}}>
]],
  },
  ["zh-TW"] = {
    banner = [[<p><strong>訂單延遲出貨。這是我們的錯，我們非常抱歉。</strong>我們的倉庫系統發生故障，訂單暫時無法出貨。我們會在 {{next_update|datetime}} 前更新這則公告。<a href="{{status_url}}">查看最新狀態</a></p>]],
    subject = "訂單延遲出貨：我們的倉庫系統發生故障",
    text = [[
我們的倉庫系統發生故障，訂單暫時無法出貨。這是我們的錯，我們非常抱歉。

我們正在通知每一位訂單受影響的顧客，預計在{{eta|duration}}內恢復出貨。

我們會在 {{next_update|datetime}} 前在這裡發布下一次更新。有任何問題，請前往 <{{support_url}}>。
]],
  },
  ["zh-CN"] = {
    banner = [[<p><strong>订单延迟发货。这是我们的错，我们非常抱歉。</strong>我们的仓库系统出现故障，订单暂时无法发货。我们会在 {{next_update|datetime}} 前更新这条公告。<a href="{{status_url}}">查看最新状态</a></p>]],
    subject = "订单延迟发货：我们的仓库系统出现故障",
    text = [[
我们的仓库系统出现故障，订单暂时无法发货。这是我们的错，我们非常抱歉。

我们正在通知每一位订单受影响的客户，预计在{{eta|duration}}内恢复发货。

我们会在 {{next_update|datetime}} 前在这里发布下一次更新。如有任何问题，请访问 <{{support_url}}>。
]],
  },
}

template "social" {
  en = {
    social = "Our warehouse systems failed and orders are not shipping. This is our mistake and we are sorry. We are contacting every affected customer now. Next update by {{next_update|datetime}}: {{status_url}}",
  },
  ["zh-TW"] = {
    social = "我們的倉庫系統發生故障，訂單暫時無法出貨。這是我們的錯，我們非常抱歉。我們正在通知每一位受影響的顧客，下次更新時間：{{next_update|datetime}}。最新狀態：{{status_url}}",
  },
  ["zh-CN"] = {
    social = "我们的仓库系统出现故障，订单暂时无法发货。这是我们的错，我们非常抱歉。我们正在通知每一位受影响的客户，下次更新时间：{{next_update|datetime}}。最新状态：{{status_url}}",
  },
}

-- A call-back task for an agent, in the customer's language.
template "call" {
  en = {
    call = [[
Call {{name}} (customer {{id}}, {{phone}}) today about order {{order_id}}. This customer had already complained to us, so please call before anything else.
Open with: "This is our mistake and we are sorry."
Explain that our warehouse systems failed, and that the order should ship within {{eta|duration}}.
If they would rather cancel, cancel the order and refund them in full today.
Tell them our next update comes by {{next_update|datetime}}. Note the outcome in the ticket.
]],
  },
  ["zh-TW"] = {
    call = [[
請在今天致電 {{name}}（顧客編號 {{id}}，電話 {{phone}}）。請向顧客說明訂單 {{order_id}} 的狀況。這位顧客先前已向我們反映過問題，請優先處理。
開場請先說：「這是我們的錯，我們非常抱歉。」
說明我們的倉庫系統發生故障，訂單預計在{{eta|duration}}內出貨。
如果顧客想取消，請當天取消訂單並全額退款。
告訴顧客下一次更新會在 {{next_update|datetime}} 前寄出。通話結果請記錄在工單中。
]],
  },
  ["zh-CN"] = {
    call = [[
请在今天致电 {{name}}（客户编号 {{id}}，电话 {{phone}}）。请向客户说明订单 {{order_id}} 的情况。这位客户之前已向我们投诉过，请优先处理。
开场请先说：“这是我们的错，我们非常抱歉。”
说明我们的仓库系统出现故障，订单预计在{{eta|duration}}内发货。
如果客户想取消，请当天取消订单并全额退款。
告诉客户下一次更新会在 {{next_update|datetime}} 前发出。通话结果请记录在工单中。
]],
  },
}

template "update" {
  en = {
    subject = "Update on order {{order_id}}: still delayed, not forgotten",
    text = [[
Hi{{#first_name}} {{first_name}}{{/first_name}},

Our warehouse systems are not fully working yet, and your order {{order_id}} has still not shipped. We are sorry for the wait, and you have not been forgotten.

Our team is working on the fault day and night. Your order keeps its place in the queue, and we will tell you as soon as it ships.

Check your order at any time: <{{tracking_url}}>

Our next update comes by {{next_update|datetime}}, even if nothing has changed.

If you would rather cancel, reply to this email. We will refund you in full the same day.

The {{brand_name}} team
]],
    sms = "{{brand_name}}: Order {{order_id}} has still not shipped. We are sorry for the wait. Our team is working on it day and night, and we will text again within 12 hours. Track it: {{tracking_url}}",
  },
  ["zh-TW"] = {
    subject = "訂單 {{order_id}} 仍在延遲中，我們沒有忘記您",
    text = [[
{{name}}您好：

我們的倉庫系統還沒有完全恢復，您的訂單 {{order_id}} 目前仍未出貨。讓您久等了，我們很抱歉，也請放心，我們沒有忘記您。

我們的團隊正日夜趕工修復。您的訂單會保留原本的出貨順序，一出貨我們就會通知您。

您可以隨時查看訂單狀態：<{{tracking_url}}>

即使沒有新進展，我們也會在 {{next_update|datetime}} 前再次更新。

如果您想取消訂單，直接回覆這封信即可，我們會在當天全額退款。

{{brand_name}} 團隊 敬上
]],
    sms = "【{{brand_name}}】您的訂單 {{order_id}} 仍未出貨，讓您久等了，我們很抱歉。團隊正日夜趕工，我們會在12小時內再通知您。查詢訂單：{{tracking_url}}",
  },
  ["zh-CN"] = {
    subject = "订单 {{order_id}} 仍在延迟中，我们没有忘记您",
    text = [[
{{name}}您好：

我们的仓库系统还没有完全恢复，您的订单 {{order_id}} 目前仍未发货。让您久等了，我们很抱歉，也请放心，我们没有忘记您。

我们的团队正在日夜抢修。您的订单会保留原来的发货顺序，一发货我们就会通知您。

您可以随时查看订单状态：<{{tracking_url}}>

即使没有新进展，我们也会在 {{next_update|datetime}} 前再次更新。

如果您想取消订单，直接回复这封邮件即可，我们会在当天全额退款。

{{brand_name}} 团队
]],
    sms = "【{{brand_name}}】您的订单 {{order_id}} 仍未发货，让您久等了，我们很抱歉。团队正在日夜抢修，我们会在12小时内再通知您。查看订单：{{tracking_url}}",
  },
}

template "public-update" {
  en = {
    banner = [[<p><strong>Orders are still delayed.</strong> We are sorry for the wait. Our warehouse systems are not fully working yet, and our team is on it day and night. Next update by {{next_update|datetime}}. <a href="{{status_url}}">Latest news</a></p>]],
    subject = "Update: orders are still delayed",
    text = [[
Our warehouse systems are not fully working yet, and many orders have not shipped. We are sorry for the wait.

Our team is working on the fault day and night. Every affected customer hears from us at least every 12 hours.

We will post the next update here by {{next_update|datetime}}. Questions: <{{support_url}}>
]],
  },
  ["zh-TW"] = {
    banner = [[<p><strong>訂單仍在延遲中。</strong>讓您久等了，我們很抱歉。倉庫系統還沒有完全恢復，團隊正日夜趕工。下次更新時間：{{next_update|datetime}}。<a href="{{status_url}}">查看最新狀態</a></p>]],
    subject = "最新進度：訂單仍在延遲中",
    text = [[
我們的倉庫系統還沒有完全恢復，許多訂單仍未出貨。讓您久等了，我們很抱歉。

我們的團隊正日夜趕工修復。每一位受影響的顧客，至少每12小時都會收到我們的最新消息。

我們會在 {{next_update|datetime}} 前在這裡發布下一次更新。有任何問題，請前往 <{{support_url}}>。
]],
  },
  ["zh-CN"] = {
    banner = [[<p><strong>订单仍在延迟中。</strong>让您久等了，我们很抱歉。仓库系统还没有完全恢复，团队正在日夜抢修。下次更新时间：{{next_update|datetime}}。<a href="{{status_url}}">查看最新状态</a></p>]],
    subject = "最新进展：订单仍在延迟中",
    text = [[
我们的仓库系统还没有完全恢复，许多订单仍未发货。让您久等了，我们很抱歉。

我们的团队正在日夜抢修。每一位受影响的客户，至少每12小时都会收到我们的最新消息。

我们会在 {{next_update|datetime}} 前在这里发布下一次更新。如有任何问题，请访问 <{{support_url}}>。
]],
  },
}

-- The credit travels with the message that says sorry (compensation = "credit").
template "resolved" {
  en = {
    subject = "Order {{order_id}} is moving again, with a {{credit|money}} credit",
    text = [[
Hi{{#first_name}} {{first_name}}{{/first_name}},

Our warehouse systems are working again. Your order {{order_id}} is being packed and should ship within 24 hours.

We are sorry it took so long. To make up for it, we have added a {{credit|money}} store credit to your account. It is there now and comes off your next order at checkout.

**What happens next:** you will get our usual shipping email with a tracking number when your order leaves the warehouse. You can also follow it here: <{{tracking_url}}>

If anything is still wrong, reply to this email. A person will answer within 24 hours.

Thank you for your patience.

The {{brand_name}} team
]],
    sms = "{{brand_name}}: Our warehouse is working again and order {{order_id}} should ship within 24 hours. Sorry for the wait. We have added a {{credit|money}} credit to your account. Track it: {{tracking_url}}",
  },
  ["zh-TW"] = {
    subject = "訂單 {{order_id}} 即將出貨，{{credit|money}} 購物金已存入您的帳戶",
    text = [[
{{name}}您好：

我們的倉庫系統已經恢復運作。您的訂單 {{order_id}} 正在包裝，預計在24小時內出貨。

讓您等了這麼久，我們很抱歉。為了表達歉意，我們已在您的帳戶存入 {{credit|money}} 購物金。購物金已經可以使用，下次結帳時會自動折抵。

**接下來**：訂單離開倉庫時，您會收到出貨通知信和包裹追蹤號碼。您也可以在這裡查看訂單：<{{tracking_url}}>

如果還有任何問題，請直接回覆這封信，專人會在24小時內回覆您。

謝謝您的耐心等候。

{{brand_name}} 團隊 敬上
]],
    sms = "【{{brand_name}}】倉庫已恢復運作，您的訂單 {{order_id}} 預計在24小時內出貨。讓您久等了，很抱歉。我們已在您的帳戶存入 {{credit|money}} 購物金。查詢訂單：{{tracking_url}}",
  },
  ["zh-CN"] = {
    subject = "订单 {{order_id}} 即将发货，{{credit|money}} 购物金已存入您的账户",
    text = [[
{{name}}您好：

我们的仓库系统已经恢复运行。您的订单 {{order_id}} 正在打包，预计在24小时内发货。

让您等了这么久，我们很抱歉。为了表达歉意，我们已在您的账户存入 {{credit|money}} 购物金。购物金现在就能使用，下次结账时会自动抵扣。

**接下来**：订单离开仓库时，您会收到发货通知邮件和包裹追踪号码。您也可以在这里查看订单：<{{tracking_url}}>

如果还有任何问题，请直接回复这封邮件，专人会在24小时内回复您。

感谢您的耐心等待。

{{brand_name}} 团队
]],
    sms = "【{{brand_name}}】仓库已恢复运行，您的订单 {{order_id}} 预计在24小时内发货。让您久等了，很抱歉。我们已在您的账户存入 {{credit|money}} 购物金。查看订单：{{tracking_url}}",
  },
}

template "all-clear" {
  en = {
    banner = [[<p><strong>Orders are shipping again.</strong> Our warehouse systems are working again, and delayed orders will ship within 24 hours. We are sorry for the wait. <a href="{{status_url}}">Details</a></p>]],
    subject = "Resolved: orders are shipping again",
    text = [[
Our warehouse systems are working again. Orders that were delayed will ship within 24 hours, oldest first.

We are sorry for the wait. Every affected customer is getting an email or text from us about their order.

This is the last update for this incident. Questions: <{{support_url}}>
]],
  },
  ["zh-TW"] = {
    banner = [[<p><strong>訂單已恢復出貨。</strong>倉庫系統已經恢復運作，延遲的訂單會在24小時內出貨。讓您久等了，我們很抱歉。<a href="{{status_url}}">查看詳情</a></p>]],
    subject = "已解決：訂單恢復出貨",
    text = [[
我們的倉庫系統已經恢復運作。延遲的訂單會依下單先後，在24小時內出貨。

讓您久等了，我們很抱歉。每一位受影響的顧客，都會收到我們寄出的訂單最新消息。

這是本次事件的最後一則更新。有任何問題，請前往 <{{support_url}}>。
]],
  },
  ["zh-CN"] = {
    banner = [[<p><strong>订单已恢复发货。</strong>仓库系统已经恢复运行，延迟的订单会在24小时内发货。让您久等了，我们很抱歉。<a href="{{status_url}}">查看详情</a></p>]],
    subject = "已解决：订单恢复发货",
    text = [[
我们的仓库系统已经恢复运行。延迟的订单会按下单先后，在24小时内发货。

让您久等了，我们很抱歉。每一位受影响的客户，都会收到我们发出的订单最新消息。

这是本次事件的最后一条更新。如有任何问题，请访问 <{{support_url}}>。
]],
  },
}

-- Paged to the staff channel 30 minutes before the contacts arrive.
template "surge" {
  en = {
    staff = "{{brand_name}} incident {{incident_id}} (warehouse outage): customer notices are going out and contacts will rise within the hour. Please join the support surge now. Numbers per channel: tocsin status {{incident_id}}. Next customer update by {{next_update|datetime}}. Status page: {{status_url}}",
  },
  ["zh-TW"] = {
    staff = "{{brand_name}} 事件 {{incident_id}}（倉庫停擺）。顧客通知正在寄出，一小時內諮詢量會上升。請立即加入客服支援。各管道所需人力：tocsin status {{incident_id}}。下一次顧客更新：{{next_update|datetime}}。狀態頁：{{status_url}}",
  },
  ["zh-CN"] = {
    staff = "{{brand_name}} 事件 {{incident_id}}（仓库停摆）。客户通知正在发出，一小时内咨询量会上升。请立即加入客服支援。各渠道所需人力：tocsin status {{incident_id}}。下一次客户更新：{{next_update|datetime}}。状态页：{{status_url}}",
  },
}
