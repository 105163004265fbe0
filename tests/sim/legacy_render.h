// Reference (pre-streaming) nlohmann renderers for the equivalence test. Test-only.
#pragma once

#include "sim/render.h"

namespace clever::wcsim::legacy {

Json OrderJson(const RenderContext& ctx, const Order& o);
Json RefundJson(const RenderContext& ctx, const Refund& r, bool with_parent_id);
Json ProductJson(const RenderContext& ctx, const Product& p);
Json VariationJson(const RenderContext& ctx, const Variation& v);
Json CustomerJson(const RenderContext& ctx, const Customer& c);
Json CouponJson(const RenderContext& ctx, const Coupon& c);

}  // namespace clever::wcsim::legacy
