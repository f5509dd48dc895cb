-- late-delivery.lua - a wave of parcels will arrive later than promised.
--
-- A lighter touch than an outage, but the same rules:
--   * tell each customer before the promised day passes, say sorry and own
--     it, and give the new delivery date;
--   * a discount code from the coupon pool travels with that first message
--     (the pool is checked before the wave starts: one code per customer);
--   * a short update every 24 hours until the backlog is cleared.
--
-- The audience file needs a new_eta column (the new delivery date, ISO 8601)
-- and a tracking_url column for each late order. Replace the coupon pool
-- samples/coupons.csv with your own codes before you open an incident.

playbook {
  id = "late-delivery",
  title = "Late deliveries",
  summary = "Parcels are late. Apologise, give the new date and a coupon, update daily.",
  params = {
    coupon_value = param.money {
      default = "USD 10",
      doc = "what each coupon code takes off the next order",
    },
    coupon_valid = param.duration {
      default = "90d",
      doc = "how long the coupon codes stay valid",
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
    stage = "not_satisfied",
    order_id = "A1-204518",
    order_status = "late",
    tracking_url = "https://acme.example/orders/A1-204518",
    new_eta = "2026-11-26T12:00:00Z",
  },
}

audience "late" {
  where = function(c) return c.order_status == "late" end,
  doc = "customers with a parcel that will arrive after the promised date",
}

compensation "coupon" {
  kind = "coupon",
  amount = params.coupon_value,
  codes = "samples/coupons.csv",
  doc = "one single-use discount code per customer, from the pool",
}

deadline "first-notice" { within = "12h", from = "open", wave = "apology" }

-- No staffing model here: a fixed pace keeps the replies to a size the
-- regular team can answer.
wave "apology" {
  at = "0m", audience = "late", channels = { "email", "sms" },
  template = "late", compensation = "coupon", pace = "3000/h",
}
wave "banner" { at = "0m", channels = { "banner" }, template = "banner" }
wave "update" {
  every = "24h", ["until"] = "resolve", audience = "late",
  channels = { first = { "email", "sms" } }, template = "update",
}
wave "caught-up" {
  on = "resolve", audience = "late", channels = { "email" },
  template = "caught-up",
}

-- Messages ----------------------------------------------------------------

template "late" {
  en = {
    subject = "Sorry, order {{order_id}} is late: here is {{coupon_value|money}} off",
    text = [[
Hi{{#first_name}} {{first_name}}{{/first_name}},

Your order {{order_id}} will reach you later than we promised. This is our mistake and we are sorry. We took on more orders than we could pack and send on time.

**New delivery date:** {{new_eta|date}}. You can follow your parcel here: <{{tracking_url}}>

To say sorry, here is {{coupon_value|money}} off your next order. Use the code **{{coupon_code}}** at checkout. It works on anything in our store for {{coupon_valid|duration}}.

We will send you an update by {{next_update|datetime}}. If your parcel has not arrived by {{new_eta|date}}, reply to this email. We will send a replacement or refund you, whichever you prefer.

The {{brand_name}} team
]],
    sms = "{{brand_name}}: Order {{order_id}} is late. This is our mistake and we are sorry. New delivery date: {{new_eta|date}}. Code {{coupon_code}} takes {{coupon_value|money}} off your next order. Next update within 24 hours. Track: {{tracking_url}}",
  },
  ["zh-TW"] = {
    subject = "很抱歉，訂單 {{order_id}} 會晚到：送您 {{coupon_value|money}} 折價券",
    text = [[
{{name}}您好：

您的訂單 {{order_id}} 會比我們承諾的時間晚送達。這是我們的錯，我們非常抱歉。我們接下的訂單超出了能準時包裝寄出的量。

**新的送達日期**：{{new_eta|date}}。您可以在這裡追蹤包裹：<{{tracking_url}}>

為了表達歉意，我們送您一張 {{coupon_value|money}} 折價券，下次購物時可以使用。結帳時請輸入優惠碼 **{{coupon_code}}**，全站商品都適用，有效期限為{{coupon_valid|duration}}。

我們會在 {{next_update|datetime}} 前寄送最新消息給您。如果到 {{new_eta|date}} 還沒收到包裹，請直接回覆這封信。我們會依您的選擇，重新寄送或全額退款。

{{brand_name}} 團隊 敬上
]],
    sms = "【{{brand_name}}】您的訂單 {{order_id}} 會晚到。這是我們的錯，我們非常抱歉。新的送達日期：{{new_eta|date}}。優惠碼 {{coupon_code}} 可折抵 {{coupon_value|money}}。24小時內會再更新。追蹤包裹：{{tracking_url}}",
  },
  ["zh-CN"] = {
    subject = "非常抱歉，订单 {{order_id}} 会晚到：送您 {{coupon_value|money}} 优惠券",
    text = [[
{{name}}您好：

您的订单 {{order_id}} 会比我们承诺的时间晚送达。这是我们的错，我们非常抱歉。我们接下的订单超出了能按时打包发出的量。

**新的送达日期**：{{new_eta|date}}。您可以在这里跟踪包裹：<{{tracking_url}}>

为了表达歉意，我们送您一张 {{coupon_value|money}} 优惠券，下次购物时可以使用。结账时请输入优惠码 **{{coupon_code}}**，全场商品通用，有效期为{{coupon_valid|duration}}。

我们会在 {{next_update|datetime}} 前给您发送最新消息。如果到 {{new_eta|date}} 还没收到包裹，请直接回复这封邮件。我们会按您的选择，重新发货或全额退款。

{{brand_name}} 团队
]],
    sms = "【{{brand_name}}】您的订单 {{order_id}} 会晚到。这是我们的错，我们非常抱歉。新的送达日期：{{new_eta|date}}。优惠码 {{coupon_code}} 可抵扣 {{coupon_value|money}}。24小时内会再更新。跟踪包裹：{{tracking_url}}",
  },
}

template "banner" {
  en = {
    banner = [[<p><strong>Some deliveries are running late.</strong> This is our mistake and we are sorry. We are emailing everyone affected with a new delivery date. Next update by {{next_update|datetime}}. <a href="{{status_url}}">Details</a></p>]],
  },
  ["zh-TW"] = {
    banner = [[<p><strong>部分包裹會晚到。</strong>這是我們的錯，我們非常抱歉。我們正寫信通知每一位受影響的顧客新的送達日期。下次更新時間：{{next_update|datetime}}。<a href="{{status_url}}">查看詳情</a></p>]],
  },
  ["zh-CN"] = {
    banner = [[<p><strong>部分包裹会晚到。</strong>这是我们的错，我们非常抱歉。我们正在发邮件通知每一位受影响的客户新的送达日期。下次更新时间：{{next_update|datetime}}。<a href="{{status_url}}">查看详情</a></p>]],
  },
}

template "update" {
  en = {
    subject = "Order {{order_id}} is on its way: expected by {{new_eta|date}}",
    text = [[
Hi{{#first_name}} {{first_name}}{{/first_name}},

Your order {{order_id}} is still on its way, and we are sorry it is late. We expect it to arrive by {{new_eta|date}}.

Follow your parcel here: <{{tracking_url}}>

We will send another update by {{next_update|datetime}}. If your parcel has not arrived by {{new_eta|date}}, reply to this email. We will send a replacement or refund you, whichever you prefer.

The {{brand_name}} team
]],
    sms = "{{brand_name}}: Order {{order_id}} is still on its way, and we are sorry it is late. Expected by {{new_eta|date}}. Next update within 24 hours. Track: {{tracking_url}}",
  },
  ["zh-TW"] = {
    subject = "訂單 {{order_id}} 運送中：預計 {{new_eta|date}} 前送達",
    text = [[
{{name}}您好：

您的訂單 {{order_id}} 還在運送途中，包裹晚到了，我們很抱歉。預計會在 {{new_eta|date}} 前送達。

您可以在這裡追蹤包裹：<{{tracking_url}}>

我們會在 {{next_update|datetime}} 前再寄送最新消息。如果到 {{new_eta|date}} 還沒收到包裹，請直接回覆這封信。我們會依您的選擇，重新寄送或全額退款。

{{brand_name}} 團隊 敬上
]],
    sms = "【{{brand_name}}】您的訂單 {{order_id}} 還在運送途中，晚到了，我們很抱歉。預計 {{new_eta|date}} 前送達。24小時內會再更新。追蹤包裹：{{tracking_url}}",
  },
  ["zh-CN"] = {
    subject = "订单 {{order_id}} 运送中：预计 {{new_eta|date}} 前送达",
    text = [[
{{name}}您好：

您的订单 {{order_id}} 还在运送途中，包裹晚到了，我们很抱歉。预计会在 {{new_eta|date}} 前送达。

您可以在这里跟踪包裹：<{{tracking_url}}>

我们会在 {{next_update|datetime}} 前再给您发送最新消息。如果到 {{new_eta|date}} 还没收到包裹，请直接回复这封邮件。我们会按您的选择，重新发货或全额退款。

{{brand_name}} 团队
]],
    sms = "【{{brand_name}}】您的订单 {{order_id}} 还在运送途中，晚到了，我们很抱歉。预计 {{new_eta|date}} 前送达。24小时内会再更新。跟踪包裹：{{tracking_url}}",
  },
}

template "caught-up" {
  en = {
    subject = "We have caught up: an update on order {{order_id}}",
    text = [[
Hi{{#first_name}} {{first_name}}{{/first_name}},

We have caught up with our backlog, and every late order has now left us. We are sorry again that yours was late.

If order {{order_id}} has not arrived yet, or something is wrong with it, reply to this email. A person will answer within 24 hours, and we will send a replacement or refund you.

You can still follow your parcel here: <{{tracking_url}}>

The {{brand_name}} team
]],
  },
  ["zh-TW"] = {
    subject = "積壓的訂單已全部寄出：訂單 {{order_id}} 最新消息",
    text = [[
{{name}}您好：

積壓的訂單已經全部寄出，每一筆晚到的訂單都已離開我們的倉庫。您的包裹晚到了，我們再次說聲抱歉。

如果訂單 {{order_id}} 還沒送達，或收到的商品有問題，請直接回覆這封信。專人會在24小時內回覆您，並為您重新寄送或退款。

您仍然可以在這裡追蹤包裹：<{{tracking_url}}>

{{brand_name}} 團隊 敬上
]],
  },
  ["zh-CN"] = {
    subject = "积压的订单已全部发出：订单 {{order_id}} 最新消息",
    text = [[
{{name}}您好：

积压的订单已经全部发出，每一笔晚到的订单都已离开我们的仓库。您的包裹晚到了，我们再次说声抱歉。

如果订单 {{order_id}} 还没送达，或收到的商品有问题，请直接回复这封邮件。专人会在24小时内回复您，并为您重新发货或退款。

您仍然可以在这里跟踪包裹：<{{tracking_url}}>

{{brand_name}} 团队
]],
  },
}
