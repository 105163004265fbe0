#include "store.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <queue>
#include <string_view>

namespace clever::wcsim {

namespace {

constexpr int64_t kDay = 86400;

constexpr std::array<const char*, kOrderStatusCount> kStatusSlugs = {
    "pending",   "processing", "on-hold", "completed",
    "cancelled", "refunded",   "failed",  "checkout-draft"};
constexpr std::array<const char*, kOrderStatusCount> kStatusNames = {
    "Pending payment", "Processing", "On hold", "Completed",
    "Cancelled",       "Refunded",   "Failed",  "Draft"};

constexpr std::array<const char*, 40> kFirst = {
    "James",   "Mary",  "Robert", "Patricia", "John",   "Jennifer", "Michael", "Linda",
    "David",   "Emily", "Daniel", "Sarah",    "Chris",  "Karen",    "Matthew", "Nancy",
    "Anthony", "Lisa",  "Mark",   "Betty",    "Olivia", "Liam",     "Noah",    "Emma",
    "Ava",     "Mia",   "Lucas",  "Sofia",    "Ethan",  "Chloe",    "Rachel",  "Nicole",
    "Felix",   "Ruth",  "Cooper", "Grace",    "Henry",  "Zoe",      "Oscar",   "Camille"};
constexpr std::array<const char*, 40> kLast = {
    "Smith",     "Johnson",  "Williams",  "Brown",   "Jones",    "Garcia",   "Miller",   "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez",   "Gonzalez", "Wilson",   "Anderson", "Thomas",
    "Taylor",    "Moore",    "Jackson",   "Martin",  "Lee",      "Perez",    "Thompson", "White",
    "Harris",    "Sanchez",  "Clark",     "Ramirez", "Lewis",    "Robinson", "Walker",   "Young",
    "Allen",     "King",     "Wright",    "Scott",   "Nelson",   "Patel",    "Walsh",    "Gagnon"};
constexpr std::array<const char*, 16> kStreets = {
    "Main St",  "Oak Ave",   "Cedar Ln", "Maple Dr",    "Pine St",     "Elm St",
    "Lake Rd",  "Hill St",   "Park Ave", "River Rd",    "Sunset Blvd", "Washington St",
    "Broadway", "Church St", "Mill Rd",  "Highland Ave"};

struct City {
  const char* city;
  const char* state;
  const char* postcode;
  const char* country;
  const char* phone_prefix;
  uint8_t tax;  // index into kRates
};
constexpr std::array<City, 20> kCities = {{
    {"Austin", "TX", "78701", "US", "+1 512", 3},
    {"Houston", "TX", "77002", "US", "+1 713", 3},
    {"Los Angeles", "CA", "90012", "US", "+1 213", 1},
    {"San Diego", "CA", "92101", "US", "+1 619", 1},
    {"New York", "NY", "10001", "US", "+1 212", 2},
    {"Buffalo", "NY", "14202", "US", "+1 716", 2},
    {"Seattle", "WA", "98101", "US", "+1 206", 4},
    {"Miami", "FL", "33130", "US", "+1 305", 5},
    {"Chicago", "IL", "60601", "US", "+1 312", 6},
    {"Portland", "OR", "97201", "US", "+1 503", 0},
    {"Denver", "CO", "80202", "US", "+1 303", 0},
    {"Boston", "MA", "02108", "US", "+1 617", 0},
    {"Atlanta", "GA", "30303", "US", "+1 404", 0},
    {"Phoenix", "AZ", "85004", "US", "+1 602", 0},
    {"Burlington", "VT", "05401", "US", "+1 802", 0},
    {"Toronto", "ON", "M5H 2N2", "CA", "+1 416", 0},
    {"London", "", "SW1A 1AA", "GB", "+44 20", 0},
    {"Paris", "", "75001", "FR", "+33 1", 0},
    {"Berlin", "", "10115", "DE", "+49 30", 0},
    {"Sydney", "NSW", "2000", "AU", "+61 2", 0},
}};

constexpr std::array<TaxRate, 7> kRates = {{
    {0, "", "", "", 0},
    {1, "US", "CA", "CA Sales Tax", 725},
    {2, "US", "NY", "NY Sales Tax", 400},
    {3, "US", "TX", "TX Sales Tax", 625},
    {4, "US", "WA", "WA Sales Tax", 650},
    {5, "US", "FL", "FL Sales Tax", 600},
    {6, "US", "IL", "IL Sales Tax", 625},
}};

constexpr std::array<const char*, 6> kRefundReasons = {"Wrong size - returned one item",
                                                       "Product defect - warranty claim",
                                                       "Late delivery - goodwill credit",
                                                       "Customer changed mind",
                                                       "Damaged in transit",
                                                       "Order cancelled after payment"};

constexpr std::array<const char*, 6> kColors = {"Black", "Navy", "Red", "Green", "Grey", "Orange"};
constexpr std::array<const char*, 5> kSizes = {"S", "M", "L", "XL", "XXL"};

struct CatalogEntry {
  const char* name;
  const char* sku;
  int category;
  int price_cents;
  bool variable;
};
constexpr std::array<const char*, 12> kCategoryNames = {"Tents &amp; Shelters",
                                                        "Sleeping",
                                                        "Backpacks",
                                                        "Jackets",
                                                        "Footwear",
                                                        "Cooking",
                                                        "Hydration",
                                                        "Navigation",
                                                        "Lighting",
                                                        "Clothing",
                                                        "Accessories",
                                                        "Gift Cards"};
constexpr std::array<const char*, 12> kCategorySlugs = {
    "tents",     "sleeping",   "backpacks", "jackets",  "footwear",    "cooking",
    "hydration", "navigation", "lighting",  "clothing", "accessories", "gift-cards"};
constexpr std::array<CatalogEntry, 31> kCatalog = {{
    {"Summit 2-Person Tent", "TNT-SUM2", 0, 24900, false},
    {"Ultralight Solo Tent", "TNT-ULS1", 0, 31900, false},
    {"Trail Tarp", "TNT-TRP", 0, 8900, false},
    {"Down Sleeping Bag", "SLP-DWN", 1, 27900, true},
    {"Self-Inflating Sleeping Pad", "SLP-PAD", 1, 9900, false},
    {"Camp Pillow", "SLP-PIL", 1, 2900, false},
    {"Daypack 22L", "BAG-DAY22", 2, 7900, true},
    {"Trekking Pack 55L", "BAG-TRK55", 2, 21900, true},
    {"Hip Pack", "PCK-HIP1", 2, 3900, false},
    {"Alpine Rain Jacket", "JKT-ALP", 3, 15900, true},
    {"Softshell Jacket", "JKT-SFT", 3, 12900, true},
    {"Insulated Vest", "JKT-VST", 3, 9900, true},
    {"Trail Running Shoes", "SHO-TRL", 4, 13900, true},
    {"Camp Sandals", "SND-CMP", 4, 5900, true},
    {"Hiking Boots", "SHO-HIK", 4, 18900, true},
    {"Backpacking Stove", "CK-STV", 5, 6900, false},
    {"Titanium Mug", "CK-MUG", 5, 2900, false},
    {"Spork Set (3-pack)", "SPK-SET3", 5, 1295, false},
    {"Collapsible Water Bottle 1L", "HYD-BTL1", 6, 1999, false},
    {"Water Filter Straw", "HYD-FLT", 6, 2495, false},
    {"Hydration Bladder 2L", "HYD-BLD2", 6, 3400, false},
    {"Compass Pro", "NAV-CMP", 7, 4500, false},
    {"GPS Watch", "NAV-GPS", 7, 29900, false},
    {"Headlamp 400", "LGT-HL4", 8, 3995, false},
    {"Camp Lantern", "LGT-LAN", 8, 4900, false},
    {"Merino Base Layer Top", "TOP-MBL", 9, 8900, true},
    {"Hiking Pants", "PNT-HIK", 9, 7900, true},
    {"Waterproof Phone Case", "PHN-WPC1", 10, 1199, false},
    {"Paracord 30m", "ACC-PC30", 10, 1450, false},
    {"Gift Card $25", "GFT-25", 11, 2500, false},
    {"National Parks Trail Atlas (eBook)", "EBK-ATLS", 7, 1499, false},
}};

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string Slugify(std::string_view name) {
  std::string out;
  bool dash = false;
  for (char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
      dash = false;
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
      dash = false;
    } else if (!dash && !out.empty()) {
      out.push_back('-');
      dash = true;
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

int32_t RoundDiv(int64_t num, int64_t den) {
  // Round half away from zero, as PHP round().
  if (num >= 0) return static_cast<int32_t>((num * 2 + den) / (den * 2));
  return -static_cast<int32_t>((-num * 2 + den) / (den * 2));
}

bool CountsAsSale(OrderStatus s) {
  return s == OrderStatus::kProcessing || s == OrderStatus::kCompleted ||
         s == OrderStatus::kOnHold || s == OrderStatus::kRefunded;
}
bool CountsCouponUse(OrderStatus s) {
  return s != OrderStatus::kCancelled && s != OrderStatus::kFailed &&
         s != OrderStatus::kCheckoutDraft;
}

}  // namespace

const char* StatusSlug(OrderStatus s) { return kStatusSlugs[static_cast<size_t>(s)]; }
const char* StatusName(OrderStatus s) { return kStatusNames[static_cast<size_t>(s)]; }
std::optional<OrderStatus> ParseStatus(std::string_view slug) {
  for (size_t i = 0; i < kStatusSlugs.size(); ++i) {
    if (slug == kStatusSlugs[i]) return static_cast<OrderStatus>(i);
  }
  return std::nullopt;
}

const char* PaymentId(Payment p) {
  switch (p) {
    case Payment::kCard:
    case Payment::kApplePay:
      return "woocommerce_payments";
    case Payment::kBacs:
      return "bacs";
    case Payment::kCod:
      return "cod";
    case Payment::kPaypal:
      return "paypal";
    case Payment::kCheque:
      return "cheque";
  }
  return "";
}
const char* PaymentTitle(Payment p) {
  switch (p) {
    case Payment::kCard:
      return "Credit card / debit card";
    case Payment::kApplePay:
      return "Apple Pay (WooPayments)";
    case Payment::kBacs:
      return "Direct bank transfer";
    case Payment::kCod:
      return "Cash on delivery";
    case Payment::kPaypal:
      return "PayPal";
    case Payment::kCheque:
      return "Check payments";
  }
  return "";
}
bool IsWooPayments(Payment p) { return p == Payment::kCard || p == Payment::kApplePay; }

const char* CouponTypeSlug(CouponType t) {
  switch (t) {
    case CouponType::kPercent:
      return "percent";
    case CouponType::kFixedCart:
      return "fixed_cart";
    case CouponType::kFixedProduct:
      return "fixed_product";
  }
  return "";
}

const TaxRate& Store::Rate(uint8_t index) { return kRates[index < kRates.size() ? index : 0]; }
int Store::RateCount() { return static_cast<int>(kRates.size()); }
const char* Store::RefundReason(uint8_t r) { return kRefundReasons[r % kRefundReasons.size()]; }
const char* Store::ColorName(uint8_t c) { return kColors[c % kColors.size()]; }
const char* Store::SizeName(uint8_t s) { return kSizes[s % kSizes.size()]; }

std::string Cents(int64_t cents) {
  const bool neg = cents < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-cents) : static_cast<uint64_t>(cents);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", neg ? "-" : "",
                static_cast<unsigned long long>(a / 100), static_cast<unsigned long long>(a % 100));
  return buf;
}
double CentsToNumber(int64_t cents) { return static_cast<double>(cents) / 100.0; }

uint64_t Store::Rand() {
  rng_state += 0x9E3779B97F4A7C15ULL;
  return Mix(rng_state);
}
double Store::Uniform() { return static_cast<double>(Rand() >> 11) * 0x1.0p-53; }

Person Store::PersonFor(uint32_t seed, bool guest) const {
  const uint64_t h = Mix(seed * 0x100000001B3ULL + (guest ? 77 : 11) + options.seed * 131);
  Person p;
  p.first = kFirst[h % kFirst.size()];
  p.last = kLast[(h >> 8) % kLast.size()];
  const City& c = kCities[(h >> 16) % 100 < 85 ? (h >> 24) % 15 : 15 + (h >> 24) % 5];
  p.address_1 = std::to_string(10 + (h >> 32) % 980) + " " + kStreets[(h >> 40) % kStreets.size()];
  p.address_2 = (h >> 44) % 7 == 0 ? "Apt " + std::to_string(1 + (h >> 48) % 30) : "";
  p.company =
      (h >> 50) % 11 == 0 ? std::string(kLast[(h >> 52) % kLast.size()]) + " Outdoors LLC" : "";
  p.city = c.city;
  p.state = c.state;
  p.postcode = c.postcode;
  p.country = c.country;
  std::string local = Slugify(p.first) + "." + Slugify(p.last);
  if (guest || (h >> 56) % 3 == 0) local += std::to_string(seed % 1000);
  p.email = local + ((h >> 58) % 2 ? "@example.com" : "@example.org");
  char phone[48];
  std::snprintf(phone, sizeof phone, "%s %03u %04u", c.phone_prefix,
                static_cast<unsigned>(200 + (h >> 20) % 800),
                static_cast<unsigned>((h >> 36) % 10000));
  p.phone = phone;
  if ((h >> 60) % 5 == 0) {
    const City& s = kCities[(h >> 12) % 15];
    p.ship_address_1 = std::to_string(5 + (h >> 28) % 900) + " " + kStreets[(h >> 4) % 16];
    p.ship_city = s.city;
    p.ship_state = s.state;
    p.ship_postcode = s.postcode;
    if (c.country != std::string_view("US")) {
      p.ship_city = p.city;
      p.ship_state = p.state;
      p.ship_postcode = p.postcode;
    }
  } else {
    p.ship_address_1 = p.address_1;
    p.ship_city = p.city;
    p.ship_state = p.state;
    p.ship_postcode = p.postcode;
  }
  return p;
}

namespace {
uint8_t TaxIndexFor(uint32_t seed, bool guest, uint64_t store_seed) {
  const uint64_t h = Mix(seed * 0x100000001B3ULL + (guest ? 77 : 11) + store_seed * 131);
  const City& c = kCities[(h >> 16) % 100 < 85 ? (h >> 24) % 15 : 15 + (h >> 24) % 5];
  return c.tax;
}
bool IsInternational(uint32_t seed, bool guest, uint64_t store_seed) {
  const uint64_t h = Mix(seed * 0x100000001B3ULL + (guest ? 77 : 11) + store_seed * 131);
  return (h >> 16) % 100 >= 85;
}

double DayWeight(const CivilDate& d, double t) {
  double w = 0.55 + 0.9 * t;  // growth over the span
  static constexpr std::array<double, 8> kWeekday = {0, 1.05, 1.0, 1.0, 1.02, 0.95, 0.85, 0.9};
  w *= kWeekday[static_cast<size_t>(d.IsoWeekday())];
  if (d.month == 11) {
    // Thanksgiving: 4th Thursday; Black Friday the day after; Cyber Monday 4 days after.
    const CivilDate first{d.year, 11, 1};
    const int first_thu = 1 + (4 - first.IsoWeekday() + 7) % 7;
    const int thanksgiving = first_thu + 21;
    if (d.day == thanksgiving) w *= 0.7;
    if (d.day == thanksgiving + 1) w *= 3.2;
    if (d.day == thanksgiving + 2 || d.day == thanksgiving + 3) w *= 1.6;
    if (d.day == thanksgiving + 4) w *= 2.6;
  }
  if (d.month == 12 && d.day <= 20) w *= 1.45;
  if (d.month == 12 && (d.day == 24 || d.day == 25)) w *= 0.5;
  if (d.month == 1 && d.day == 1) w *= 0.6;
  if (d.month == 7 && d.day >= 8 && d.day <= 11) w *= 1.3;
  if (d.month >= 5 && d.month <= 8) w *= 1.15;  // camping season
  return w;
}

struct PendingRefund {
  int64_t when;
  uint32_t order_index;
  bool full;
  bool operator>(const PendingRefund& o) const { return when > o.when; }
};
struct PendingDispute {
  int64_t when;
  uint32_t order_index;
};

}  // namespace

void Store::ApplyOrderEffects(const Order& order, int sign) {
  if (CountsAsSale(order.status)) {
    for (uint32_t i = 0; i < order.n_items; ++i) {
      const LineItem& li = items[order.first_item + i];
      auto it = std::lower_bound(products.begin(), products.end(), li.product,
                                 [](const Product& p, uint32_t v) { return p.id < v; });
      if (it != products.end() && it->id == li.product) it->total_sales += sign * li.qty;
    }
  }
  if (order.coupon != 0 && CountsCouponUse(order.status)) {
    coupons[order.coupon - 1].usage_count += sign;
  }
}

uint32_t Store::AddOrder(int64_t when, bool historical) {
  Order o;
  o.id = next_post_id++;
  o.created = when;
  const int64_t age = now - when;
  // Customer: registered (existing at `when`) or guest.
  uint32_t existing = 0;
  {
    auto it = std::upper_bound(customers.begin(), customers.end(), when,
                               [](int64_t t, const Customer& c) { return t < c.created; });
    existing = static_cast<uint32_t>(it - customers.begin());
  }
  Customer* buyer = nullptr;
  if (existing > 2 && Uniform() < 0.72) {
    uint32_t pick = 0;
    for (int tries = 0; tries < 8; ++tries) {
      // Skew towards repeat buyers: square of a uniform favours early customers a little.
      const double u = Uniform();
      pick = static_cast<uint32_t>((tries < 4 ? u : u * u) * existing);
      if (pick < existing && !customers[pick].staff) break;
    }
    if (pick < existing && !customers[pick].staff) {
      buyer = &customers[pick];
      o.customer_id = buyer->id;
      buyer->modified = std::max(buyer->modified, when);
    }
  }
  const bool guest = o.customer_id == 0;
  o.person = guest ? o.id : o.customer_id;
  o.tax_rate = TaxIndexFor(o.person, guest, options.seed);
  const bool intl = IsInternational(o.person, guest, options.seed);

  // Payment method.
  const double pr = Uniform();
  if (pr < 0.50)
    o.payment = Payment::kCard;
  else if (pr < 0.62)
    o.payment = Payment::kApplePay;
  else if (pr < 0.82)
    o.payment = Payment::kPaypal;
  else if (pr < 0.90)
    o.payment = Payment::kBacs;
  else if (pr < 0.97)
    o.payment = Payment::kCod;
  else
    o.payment = Payment::kCheque;

  // Status by age.
  const double sr = Uniform();
  if (!historical || age < 2 * kDay) {
    if (sr < 0.08)
      o.status = OrderStatus::kPending;
    else if (sr < 0.14)
      o.status = OrderStatus::kFailed;
    else if (sr < 0.17)
      o.status = OrderStatus::kCancelled;
    else if (sr < 0.20)
      o.status = OrderStatus::kCheckoutDraft;
    else
      o.status = OrderStatus::kProcessing;
    if (o.status == OrderStatus::kProcessing &&
        (o.payment == Payment::kBacs || o.payment == Payment::kCheque)) {
      o.status = OrderStatus::kOnHold;
    }
    if (historical && o.status == OrderStatus::kProcessing && age > kDay && Uniform() < 0.5) {
      o.status = OrderStatus::kCompleted;
    }
  } else {
    if (sr < 0.05)
      o.status = OrderStatus::kCancelled;
    else if (sr < 0.09)
      o.status = OrderStatus::kFailed;
    else if (sr < 0.11)
      o.status = OrderStatus::kPending;
    else if (sr < 0.12)
      o.status = OrderStatus::kOnHold;
    else if (sr < 0.13)
      o.status = OrderStatus::kProcessing;
    else if (sr < 0.132)
      o.status = OrderStatus::kCheckoutDraft;
    else
      o.status = OrderStatus::kCompleted;
  }

  // Line items.
  o.first_item = static_cast<uint32_t>(items.size());
  int n = 1;
  while (n < 6 && Uniform() < 0.42) ++n;
  int64_t subtotal_sum = 0;
  for (int i = 0; i < n; ++i) {
    const Product* p = nullptr;
    for (int tries = 0; tries < 16 && p == nullptr; ++tries) {
      const double u = Uniform();
      const size_t idx = static_cast<size_t>(u * u * static_cast<double>(products.size()));
      const Product& cand = products[std::min(idx, products.size() - 1)];
      if (!cand.trashed && cand.created < when) p = &cand;
    }
    if (p == nullptr) p = &products[0];
    LineItem li;
    li.product = p->id;
    int64_t unit = p->sale_cents ? p->sale_cents : p->regular_cents;
    if (p->variable && !p->variations.empty()) {
      const Variation& v = variations[p->variations[Rand() % p->variations.size()]];
      li.variation = v.id;
      unit = v.sale_cents ? v.sale_cents : v.regular_cents;
    }
    li.qty = static_cast<uint16_t>(Uniform() < 0.75 ? 1 : (Uniform() < 0.7 ? 2 : 3));
    li.price = static_cast<int32_t>(unit);
    li.subtotal = static_cast<int32_t>(unit * li.qty);
    li.total = li.subtotal;
    subtotal_sum += li.subtotal;
    items.push_back(li);
  }
  o.n_items = static_cast<uint16_t>(n);

  // Coupon.
  if (Uniform() < 0.16 && !coupons.empty()) {
    const size_t start = Rand() % coupons.size();
    for (size_t k = 0; k < coupons.size(); ++k) {
      const Coupon& c = coupons[(start + k) % coupons.size()];
      if (c.trashed || c.created > when || (c.expires != 0 && c.expires < when)) continue;
      if (c.code == "staff40" && Uniform() < 0.8) continue;
      o.coupon = static_cast<uint16_t>((start + k) % coupons.size() + 1);
      break;
    }
  }
  if (o.coupon != 0) {
    const Coupon& c = coupons[o.coupon - 1];
    int64_t remaining = std::min<int64_t>(c.amount, subtotal_sum);
    for (int i = 0; i < n; ++i) {
      LineItem& li = items[o.first_item + static_cast<uint32_t>(i)];
      int64_t d = 0;
      switch (c.type) {
        case CouponType::kPercent:
          d = RoundDiv(static_cast<int64_t>(li.subtotal) * c.amount, 100);
          break;
        case CouponType::kFixedProduct:
          d = std::min<int64_t>(c.amount * li.qty, li.subtotal);
          break;
        case CouponType::kFixedCart:
          d = i == n - 1
                  ? remaining
                  : std::min<int64_t>(
                        remaining, RoundDiv(std::min<int64_t>(c.amount, subtotal_sum) * li.subtotal,
                                            std::max<int64_t>(subtotal_sum, 1)));
          remaining -= d;
          break;
      }
      li.total = static_cast<int32_t>(li.subtotal - d);
    }
  }
  const int bp = kRates[o.tax_rate].basis_points;
  int64_t items_total = 0;
  for (int i = 0; i < n; ++i) {
    LineItem& li = items[o.first_item + static_cast<uint32_t>(i)];
    li.subtotal_tax = RoundDiv(static_cast<int64_t>(li.subtotal) * bp, 10000);
    li.total_tax = RoundDiv(static_cast<int64_t>(li.total) * bp, 10000);
    o.cart_tax += li.total_tax;
    o.discount += li.subtotal - li.total;
    items_total += li.total;
  }
  if (intl) {
    o.shipping_method = 2;
    o.shipping = 2900;
  } else if (items_total >= 7500) {
    o.shipping_method = 1;
    o.shipping = 0;
  } else {
    o.shipping_method = 0;
    o.shipping = 795;
  }
  o.shipping_tax = RoundDiv(static_cast<int64_t>(o.shipping) * bp, 10000);
  if (Uniform() < 0.04) {
    o.fee = 495;  // gift wrapping
    o.fee_tax = RoundDiv(static_cast<int64_t>(o.fee) * bp, 10000);
    o.cart_tax += o.fee_tax;
  }
  o.total = static_cast<int32_t>(items_total + o.fee + o.shipping + o.cart_tax + o.shipping_tax);

  o.first_item_id = next_item_id;
  next_item_id +=
      static_cast<uint32_t>(n) + 1 + (bp > 0 ? 1 : 0) + (o.coupon ? 1 : 0) + (o.fee ? 1 : 0);

  // Dates.
  const bool paid_status =
      o.status == OrderStatus::kProcessing || o.status == OrderStatus::kCompleted;
  if (paid_status && o.payment != Payment::kCod) {
    if (o.payment == Payment::kBacs || o.payment == Payment::kCheque) {
      o.paid = when + kDay + static_cast<int64_t>(Rand() % kDay);
    } else {
      o.paid = when + 20 + static_cast<int64_t>(Rand() % 240);
    }
    if (o.paid > now) o.paid = std::max(when, now - 1);
  }
  if (o.status == OrderStatus::kCompleted) {
    o.completed = std::max(o.paid, when) + kDay / 2 + static_cast<int64_t>(Rand() % (3 * kDay));
    if (o.completed > now) {
      if (historical)
        o.completed = std::min(now, std::max(o.paid, when) + 600);
      else
        o.completed = when + 60;
    }
    if (o.payment == Payment::kCod) o.paid = o.completed;
  }
  o.modified = std::max({o.created + 1 + static_cast<int64_t>(Rand() % 90), o.paid, o.completed});
  if (o.modified > now && historical) o.modified = std::max(o.created, now);

  orders.push_back(o);
  const uint32_t index = static_cast<uint32_t>(orders.size() - 1);
  ApplyOrderEffects(orders.back(), +1);
  if (buyer != nullptr && paid_status) buyer->paying = true;
  if (options.woopayments && IsWooPayments(o.payment) && o.paid != 0) {
    AddCardTxnsForOrder(index);
  }
  return index;
}

void Store::AddCardTxnsForOrder(uint32_t order_index) {
  const Order& o = orders[order_index];
  Txn t;
  t.order_index = order_index;
  t.type = TxnType::kCharge;
  t.created = o.paid;
  t.amount = o.total;
  t.fee = RoundDiv(static_cast<int64_t>(o.total) * 29, 1000) + 30;
  txns.push_back(t);
}

uint32_t Store::AddRefund(uint32_t order_index, int64_t when, bool full) {
  Order& o = orders[order_index];
  const int32_t remaining = o.total - o.refunded;
  if (remaining <= 0) return 0;
  Refund r;
  r.id = next_post_id++;
  r.order_id = o.id;
  r.order_index = order_index;
  r.created = when;
  r.first_item_id = next_item_id;
  if (full) {
    r.kind = o.refunded == 0 ? RefundKind::kFull : RefundKind::kGoodwill;
    r.amount = remaining;
    r.reason = static_cast<uint8_t>(Rand() % 2 == 0 ? 1 : 5);
    next_item_id += r.kind == RefundKind::kFull ? o.n_items + 1u + (o.fee ? 1u : 0u) : 0u;
  } else if (Uniform() < 0.5) {
    r.kind = RefundKind::kOneItem;
    r.line = static_cast<uint8_t>(Rand() % o.n_items);
    const LineItem& li = items[o.first_item + r.line];
    const int32_t unit_total = li.total / li.qty;
    const int32_t unit_tax = li.total_tax / li.qty;
    r.amount = std::min(remaining, unit_total + unit_tax);
    r.reason = static_cast<uint8_t>(Rand() % 2 == 0 ? 0 : 4);
    next_item_id += 1;
    if (r.amount < unit_total + unit_tax) r.kind = RefundKind::kGoodwill;
  } else {
    r.kind = RefundKind::kGoodwill;
    static constexpr std::array<int32_t, 4> kCredits = {500, 1000, 845, 1500};
    r.amount = std::min(remaining, kCredits[Rand() % kCredits.size()]);
    r.reason = static_cast<uint8_t>(Rand() % 2 == 0 ? 2 : 3);
  }
  if (r.amount <= 0) return 0;
  r.prev_same_order = o.last_refund;
  refunds.push_back(r);
  const uint32_t ridx = static_cast<uint32_t>(refunds.size());
  o.last_refund = ridx;
  o.refunded += r.amount;
  o.modified = std::max(o.modified, when);
  if (o.refunded >= o.total) {
    ApplyOrderEffects(o, -1);
    o.status = OrderStatus::kRefunded;
    ApplyOrderEffects(o, +1);
  }
  if (options.woopayments && IsWooPayments(o.payment) && o.paid != 0) {
    Txn t;
    t.order_index = order_index;
    t.type = TxnType::kRefund;
    t.created = when;
    t.amount = -r.amount;
    t.fee = 0;
    t.ref = ridx - 1;
    txns.push_back(t);
  }
  return r.id;
}

void Store::BuildDeposits() {
  std::stable_sort(txns.begin(), txns.end(),
                   [](const Txn& a, const Txn& b) { return a.created < b.created; });
  deposits.clear();
  const int64_t today = now / kDay;
  int64_t current_day = -1;
  for (auto& t : txns) {
    const int64_t day = (t.created + 2 * kDay) / kDay;
    if (day > today) {
      t.deposit = 0;
      continue;
    }
    if (day != current_day) {
      Deposit d;
      d.date = day * kDay + 8 * 3600;
      d.created = (day - 1) * kDay + 3600;
      d.status = day == today ? 2 : 0;
      deposits.push_back(d);
      current_day = day;
    }
    Deposit& d = deposits.back();
    d.amount += t.amount - t.fee;
    d.fee += t.fee;
    t.deposit = static_cast<uint32_t>(deposits.size());
  }
}

std::unique_ptr<Store> Store::Generate(const GenOptions& options) {
  auto store = std::make_unique<Store>();
  Store& s = *store;
  s.options = options;
  s.rng_state = Mix(options.seed ^ 0xC1E7E2ULL);
  s.tz = StoreTimeZone::FromIndex(options.timezone, 0);
  const int days = std::max(1, options.days);
  s.now = s.tz.ToUtc(LocalDateTime{options.end_date, 20, 0, 0});
  const CivilDate first_day = options.end_date.AddDays(-(days - 1));
  const int64_t start = s.tz.ToUtc(LocalDateTime{first_day, 0, 0, 0});
  const int64_t setup = start - 40 * kDay;

  // Categories (term ids).
  uint32_t term_id = 40;
  for (size_t i = 0; i < kCategoryNames.size(); ++i) {
    Category c;
    c.id = term_id++;
    c.name = kCategoryNames[i];
    c.slug = kCategorySlugs[i];
    c.description = "Products in " + std::string(kCategorySlugs[i]) + ".";
    c.menu_order = static_cast<int>(i);
    s.categories.push_back(c);
  }
  // A little hierarchy: Jackets and Footwear under Clothing, Sleeping under Tents.
  s.categories[3].parent = s.categories[9].id;
  s.categories[4].parent = s.categories[9].id;
  s.categories[1].parent = s.categories[0].id;
  {}

  // Products and variations.
  s.next_post_id = 10;
  s.next_item_id = 1;  // WooCommerce order item ids start at 1 (0 is never an id)
  const int nproducts = std::max(1, options.products);
  uint32_t image_id = 10;
  for (int i = 0; i < nproducts; ++i) {
    const CatalogEntry& e = kCatalog[static_cast<size_t>(i) % kCatalog.size()];
    const int edition = i / static_cast<int>(kCatalog.size());
    Product p;
    p.id = s.next_post_id++;
    p.name = e.name;
    p.sku = e.sku;
    if (edition > 0) {
      p.name += " (" + std::to_string(2025 + edition) + " edition)";
      p.sku += "-E" + std::to_string(edition);
    }
    p.slug = Slugify(p.name);
    p.image_slug = Slugify(p.sku);
    p.downloadable = std::string_view(e.sku).rfind("EBK", 0) == 0;
    p.variable = e.variable;
    p.category = static_cast<uint32_t>(e.category);
    p.regular_cents = e.price_cents + edition * 500;
    p.sale_cents = s.Uniform() < 0.15 ? RoundDiv(p.regular_cents * 85, 100) / 100 * 100 - 1 : 0;
    if (p.sale_cents < 0) p.sale_cents = 0;
    p.manage_stock = !p.variable && !p.downloadable && s.Uniform() < 0.8;
    const double sr = s.Uniform();
    p.stock = sr < 0.1    ? 0
              : sr < 0.22 ? static_cast<int32_t>(1 + s.Rand() % 4)
                          : static_cast<int32_t>(10 + s.Rand() % 150);
    p.low_stock_amount = s.Uniform() < 0.5 ? 5 : 0;
    p.created = setup + static_cast<int64_t>(s.Rand() % (20 * kDay)) + i * 60;
    p.image_id = image_id++;
    p.weight_g = static_cast<uint16_t>(100 + s.Rand() % 2500);
    p.rating_count = static_cast<int>(s.Rand() % 4);
    const uint32_t pidx = static_cast<uint32_t>(s.products.size());
    s.products.push_back(p);
    if (e.variable) {
      Product& pp = s.products[pidx];
      pp.colors = static_cast<uint8_t>(2 + s.Rand() % 3);
      pp.sizes = static_cast<uint8_t>(3 + s.Rand() % 2);
      const uint8_t color_base = static_cast<uint8_t>(s.Rand() % 3);
      for (uint8_t c = 0; c < pp.colors; ++c) {
        for (uint8_t z = 0; z < pp.sizes; ++z) {
          Variation v;
          v.id = s.next_post_id++;
          v.parent_id = pp.id;
          v.color = static_cast<uint8_t>(color_base + c);
          v.size = z;
          v.regular_cents = pp.regular_cents + (z >= 3 ? 1000 : 0);
          v.sale_cents = pp.sale_cents ? pp.sale_cents + (z >= 3 ? 1000 : 0) : 0;
          const double m = s.Uniform();
          v.manage = m < 0.7 ? 1 : m < 0.85 ? 2 : 0;
          const double vs = s.Uniform();
          v.stock = vs < 0.08  ? 0
                    : vs < 0.2 ? static_cast<int32_t>(1 + s.Rand() % 3)
                               : static_cast<int32_t>(5 + s.Rand() % 80);
          v.created = pp.created + 60 + c * 10 + z;
          v.modified = v.created + static_cast<int64_t>(s.Rand() % (5 * kDay));
          pp.variations.push_back(static_cast<uint32_t>(s.variations.size()));
          s.variations.push_back(v);
        }
      }
      // "parent" stock is the parent's; give the parent managed stock when any variation uses it.
      for (uint32_t vi : pp.variations) {
        if (s.variations[vi].manage == 2) {
          pp.manage_stock = true;
          break;
        }
      }
    }
    Product& done = s.products[pidx];
    done.modified = done.created + static_cast<int64_t>(s.Rand() % (10 * kDay));
  }

  // Coupons.
  struct CouponDef {
    const char* code;
    CouponType type;
    int64_t amount;
    const char* description;
    int start_offset_days;  // relative to span start; <0 means from setup
    int length_days;        // 0 = no expiry
  };
  const std::array<CouponDef, 10> defs = {{
      {"welcome10", CouponType::kPercent, 10, "10% off the first order", -1, 0},
      {"save15", CouponType::kFixedCart, 1500, "$15 off orders", -1, 0},
      {"loyalty5", CouponType::kFixedCart, 500, "Loyalty credit", -1, 0},
      {"bundle5", CouponType::kFixedProduct, 500, "$5 off each item", -1, 0},
      {"staff40", CouponType::kPercent, 40, "Staff discount", -1, 0},
      {"spring15", CouponType::kPercent, 15, "Spring sale", days / 4, 45},
      {"summer20", CouponType::kPercent, 20, "Summer sale", days / 3, 80},
      {"bfcm", CouponType::kPercent, 25, "Black Friday / Cyber Monday", days / 2, 14},
      {"gear10", CouponType::kFixedProduct, 1000, "$10 off gear", days * 2 / 3, 0},
      {"holiday30", CouponType::kFixedCart, 3000, "Holiday $30 off $150", days * 3 / 4, 30},
  }};
  for (const auto& d : defs) {
    Coupon c;
    c.id = s.next_post_id++;
    c.code = d.code;
    c.type = d.type;
    c.amount = d.amount;
    c.description = d.description;
    c.created = d.start_offset_days < 0 ? setup + 30 * kDay : start + d.start_offset_days * kDay;
    c.modified = c.created + 3 * kDay;
    c.expires = d.length_days ? c.created + d.length_days * kDay : 0;
    if (c.created > s.now) c.created = c.modified = s.now - kDay;
    s.coupons.push_back(c);
  }

  // Customers: staff first (ids 1, 2), then registered customers spread over the span.
  const int ncustomers =
      options.customers >= 0 ? options.customers : std::max(20, options.orders / 8);
  s.next_user_id = 1;
  for (int i = 0; i < 2; ++i) {
    Customer c;
    c.id = s.next_user_id++;
    c.created = setup - (2 - i) * kDay;
    c.modified = c.created + 3600;
    c.staff = true;
    s.customers.push_back(c);
  }
  {
    std::vector<int64_t> times;
    times.reserve(static_cast<size_t>(ncustomers));
    for (int i = 0; i < ncustomers; ++i) {
      const double u = std::sqrt(s.Uniform());  // more sign-ups later (growth)
      times.push_back(start - 10 * kDay +
                      static_cast<int64_t>(u * static_cast<double>(s.now - start)));
    }
    std::sort(times.begin(), times.end());
    for (int64_t t : times) {
      Customer c;
      c.id = s.next_user_id++;
      c.created = t;
      c.modified = t + 60;
      s.customers.push_back(c);
    }
  }

  // Orders day by day, with refunds and disputes interleaved by time.
  std::vector<double> weights(static_cast<size_t>(days));
  double wsum = 0;
  for (int d = 0; d < days; ++d) {
    const CivilDate date = first_day.AddDays(d);
    weights[static_cast<size_t>(d)] =
        DayWeight(date, days > 1 ? static_cast<double>(d) / (days - 1) : 1.0);
    wsum += weights[static_cast<size_t>(d)];
  }
  s.orders.reserve(static_cast<size_t>(options.orders) + 16);
  s.items.reserve(static_cast<size_t>(options.orders) * 2 + 16);
  s.txns.reserve(static_cast<size_t>(options.orders) * 7 / 10 + 16);
  std::priority_queue<PendingRefund, std::vector<PendingRefund>, std::greater<>> pending;
  std::vector<PendingDispute> pending_disputes;
  double cum = 0;
  int64_t emitted = 0;
  std::vector<int64_t> times;
  for (int d = 0; d < days; ++d) {
    cum += weights[static_cast<size_t>(d)];
    const int64_t target = std::llround(cum / wsum * options.orders);
    const int64_t count = target - emitted;
    emitted = target;
    const CivilDate date = first_day.AddDays(d);
    const int64_t day_start = s.tz.ToUtc(LocalDateTime{date, 0, 0, 0});
    int64_t day_end = s.tz.ToUtc(LocalDateTime{date.AddDays(1), 0, 0, 0});
    if (day_end > s.now) day_end = s.now;
    times.clear();
    for (int64_t k = 0; k < count; ++k) {
      // Evening-heavy time of day.
      const double u = s.Uniform();
      const double tod = 0.25 + 0.75 * std::sqrt(u);
      times.push_back(day_start +
                      static_cast<int64_t>(tod * static_cast<double>(day_end - day_start - 1)));
    }
    std::sort(times.begin(), times.end());
    for (int64_t t : times) {
      while (!pending.empty() && pending.top().when <= t) {
        const PendingRefund pr = pending.top();
        pending.pop();
        s.AddRefund(pr.order_index, pr.when, pr.full);
      }
      const uint32_t idx = s.AddOrder(t, true);
      const Order& o = s.orders[idx];
      if (o.status == OrderStatus::kCompleted && o.completed != 0) {
        const double r = s.Uniform();
        if (r < 0.07) {
          const bool full = r < 0.03;
          const int64_t when = o.completed + kDay + static_cast<int64_t>(s.Rand() % (20 * kDay));
          if (when < s.now) pending.push({when, idx, full});
        }
      }
      if (options.woopayments && IsWooPayments(o.payment) && o.paid != 0 && s.Uniform() < 0.004) {
        const int64_t when = o.paid + 10 * kDay + static_cast<int64_t>(s.Rand() % (30 * kDay));
        if (when < s.now) pending_disputes.push_back({when, idx});
      }
    }
  }
  while (!pending.empty()) {
    const PendingRefund pr = pending.top();
    pending.pop();
    s.AddRefund(pr.order_index, pr.when, pr.full);
  }
  std::sort(pending_disputes.begin(), pending_disputes.end(),
            [](const PendingDispute& a, const PendingDispute& b) { return a.when < b.when; });
  for (const auto& pd : pending_disputes) {
    Order& o = s.orders[pd.order_index];
    Dispute d;
    d.order_index = pd.order_index;
    d.created = pd.when;
    d.due_by = pd.when + 7 * kDay;
    d.amount = o.total;
    d.reason = static_cast<uint8_t>(s.Rand() % 5);
    const int64_t age = s.now - pd.when;
    d.status = age < 7 * kDay ? 0 : static_cast<uint8_t>(1 + s.Rand() % 3);  // needs_response..
    s.disputes.push_back(d);
    Txn t;
    t.order_index = pd.order_index;
    t.type = TxnType::kDispute;
    t.created = pd.when;
    t.amount = -o.total;
    t.fee = 1500;
    t.ref = static_cast<uint32_t>(s.disputes.size() - 1);
    s.txns.push_back(t);
  }
  s.BuildDeposits();

  // Reviews (comment ids).
  uint32_t comment_id = 100;
  for (auto& p : s.products) {
    for (int k = 0; k < p.rating_count; ++k) {
      Review r;
      r.id = comment_id++;
      r.product_id = p.id;
      r.person =
          3 + static_cast<uint32_t>(s.Rand() % static_cast<uint64_t>(std::max(1, ncustomers)));
      r.created = start + static_cast<int64_t>(s.Rand() % static_cast<uint64_t>(
                                                              std::max<int64_t>(1, s.now - start)));
      r.rating = static_cast<uint8_t>(s.Uniform() < 0.6 ? 5 : 2 + s.Rand() % 3);
      p.rating_sum += r.rating;
      s.reviews.push_back(r);
    }
  }
  std::sort(s.reviews.begin(), s.reviews.end(),
            [](const Review& a, const Review& b) { return a.created < b.created; });
  return store;
}

ChangeSet Store::Mutate(const MutateRequest& req) {
  ChangeSet cs;
  ++version;
  const int64_t from = now;
  now += std::max<int64_t>(0, req.advance_seconds);
  if (now == from) now += 1;
  auto when = [&](int i, int n) { return from + 1 + (now - from - 1) * (i + 1) / (n + 1); };
  // New customers first so new orders can use them.
  for (int i = 0; i < req.new_customers; ++i) {
    Customer c;
    c.id = next_user_id++;
    c.created = when(i, req.new_customers);
    c.modified = c.created;
    customers.push_back(c);
    cs.created_customers.push_back(c.id);
  }
  std::stable_sort(customers.begin(), customers.end(),
                   [](const Customer& a, const Customer& b) { return a.id < b.id; });
  for (int i = 0; i < req.new_orders; ++i) {
    const uint32_t idx = AddOrder(when(i, req.new_orders), false);
    orders[idx].modified = std::min(orders[idx].modified, now);
    cs.created_orders.push_back(orders[idx].id);
  }
  // Status changes on open orders (newest first).
  int changed = 0;
  for (size_t k = orders.size(); k-- > 0 && changed < req.status_changes;) {
    Order& o = orders[k];
    if (std::find(cs.created_orders.begin(), cs.created_orders.end(), o.id) !=
        cs.created_orders.end()) {
      continue;
    }
    const int64_t t = when(changed, req.status_changes);
    ApplyOrderEffects(o, -1);
    bool did = true;
    if (o.status == OrderStatus::kPending || o.status == OrderStatus::kOnHold) {
      o.status = OrderStatus::kProcessing;
      o.paid = t;
    } else if (o.status == OrderStatus::kProcessing) {
      o.status = OrderStatus::kCompleted;
      o.completed = t;
      if (o.paid == 0) o.paid = t;
    } else {
      did = false;
    }
    ApplyOrderEffects(o, +1);
    if (!did) continue;
    o.modified = t;
    // wc_paying_customer(): the account's first paid order sets is_paying_customer and saves
    // the account (its date_modified moves); an account already paying is left alone.
    if (o.customer_id > 0) {
      const Customer* found = FindCustomer(o.customer_id);
      if (found != nullptr && !found->paying) {
        Customer& buyer = customers[static_cast<size_t>(found - customers.data())];
        buyer.paying = true;
        buyer.modified = std::max(buyer.modified, t);
      }
    }
    if (options.woopayments && IsWooPayments(o.payment) && o.status == OrderStatus::kProcessing) {
      AddCardTxnsForOrder(static_cast<uint32_t>(k));
    }
    cs.updated_orders.push_back(o.id);
    ++changed;
  }
  // Refunds on completed orders.
  int refunded = 0;
  for (size_t k = orders.size(); k-- > 0 && refunded < req.refunds;) {
    const Order& o = orders[k];
    if (o.status != OrderStatus::kCompleted || o.refunded != 0) continue;
    if (Rand() % 3 == 0) continue;
    const uint32_t rid =
        AddRefund(static_cast<uint32_t>(k), when(refunded, req.refunds), Uniform() < 0.4);
    if (rid == 0) continue;
    cs.created_refunds.push_back(rid);
    cs.updated_orders.push_back(o.id);
    ++refunded;
  }
  // Stock changes.
  for (int i = 0; i < req.stock_changes; ++i) {
    const int64_t t = when(i, req.stock_changes);
    for (int tries = 0; tries < 32; ++tries) {
      if (!variations.empty() && Rand() % 2 == 0) {
        Variation& v = variations[Rand() % variations.size()];
        const Product* parent = FindProduct(v.parent_id);
        if (parent == nullptr || parent->trashed || v.manage != 1) continue;
        v.stock = v.stock > 3 ? v.stock - static_cast<int32_t>(1 + Rand() % 3)
                              : v.stock + static_cast<int32_t>(10 + Rand() % 20);
        v.modified = t;
        cs.updated_variations.push_back(v.id);
        // WooCommerce saves a variation's parent after every variation save
        // (WC_Product::maybe_defer_product_sync -> WC_Post_Data::deferred_product_sync at
        // shutdown -> WC_Product_Variable::sync($product, true) -> save(), which moves the
        // parent's post_modified even when nothing else changed): its date_modified moves too.
        for (Product& p : products) {
          if (p.id == v.parent_id) {
            p.modified = t;
            cs.updated_products.push_back(p.id);
          }
        }
        break;
      }
      Product& p = products[Rand() % products.size()];
      if (p.trashed || !p.manage_stock) continue;
      p.stock = p.stock > 3 ? p.stock - static_cast<int32_t>(1 + Rand() % 3)
                            : p.stock + static_cast<int32_t>(10 + Rand() % 20);
      p.modified = t;
      cs.updated_products.push_back(p.id);
      cs.stock_products.push_back(p.id);
      break;
    }
  }
  for (int i = 0; i < req.delete_products; ++i) {
    for (int tries = 0; tries < 64; ++tries) {
      Product& p = products[Rand() % products.size()];
      if (p.trashed) continue;
      p.trashed = true;
      p.modified = when(i, req.delete_products);
      cs.deleted_products.push_back(p.id);
      break;
    }
  }
  for (int i = 0; i < req.delete_coupons; ++i) {
    for (int tries = 0; tries < 64; ++tries) {
      Coupon& c = coupons[Rand() % coupons.size()];
      if (c.trashed) continue;
      c.trashed = true;
      c.modified = when(i, req.delete_coupons);
      cs.deleted_coupons.push_back(c.id);
      break;
    }
  }
  // Permanent deletions empty the trash first (oldest first), then delete live objects.
  auto purge = [&](auto& objects, int n, std::vector<uint32_t>& out) {
    for (int i = 0; i < n; ++i) {
      decltype(&objects[0]) pick = nullptr;
      for (auto& x : objects) {
        if (x.trashed && !x.purged) {
          pick = &x;
          break;
        }
      }
      for (int tries = 0; tries < 64 && pick == nullptr && !objects.empty(); ++tries) {
        auto& x = objects[Rand() % objects.size()];
        if (!x.trashed) pick = &x;
      }
      if (pick == nullptr) break;
      pick->trashed = true;
      pick->purged = true;
      pick->modified = when(i, n);
      out.push_back(pick->id);
    }
  };
  purge(products, req.purge_products, cs.purged_products);
  purge(coupons, req.purge_coupons, cs.purged_coupons);
  BuildDeposits();
  auto dedup = [](std::vector<uint32_t>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  dedup(cs.updated_orders);
  dedup(cs.updated_products);
  dedup(cs.updated_variations);
  dedup(cs.stock_products);
  std::erase_if(cs.updated_products, [&](uint32_t id) {
    return std::find(cs.deleted_products.begin(), cs.deleted_products.end(), id) !=
               cs.deleted_products.end() ||
           std::find(cs.purged_products.begin(), cs.purged_products.end(), id) !=
               cs.purged_products.end();
  });
  // Trashed and then purged in the same burst: report it as purged only.
  std::erase_if(cs.deleted_products, [&](uint32_t id) {
    return std::find(cs.purged_products.begin(), cs.purged_products.end(), id) !=
           cs.purged_products.end();
  });
  std::erase_if(cs.deleted_coupons, [&](uint32_t id) {
    return std::find(cs.purged_coupons.begin(), cs.purged_coupons.end(), id) !=
           cs.purged_coupons.end();
  });
  return cs;
}

int64_t Store::FindOrderIndex(uint32_t id) const {
  auto it = std::lower_bound(orders.begin(), orders.end(), id,
                             [](const Order& o, uint32_t v) { return o.id < v; });
  if (it == orders.end() || it->id != id) return -1;
  return it - orders.begin();
}
const Order* Store::FindOrder(uint32_t id) const {
  const int64_t i = FindOrderIndex(id);
  return i < 0 ? nullptr : &orders[static_cast<size_t>(i)];
}
const Product* Store::FindProduct(uint32_t id) const {
  auto it = std::lower_bound(products.begin(), products.end(), id,
                             [](const Product& p, uint32_t v) { return p.id < v; });
  return it == products.end() || it->id != id ? nullptr : &*it;
}
const Variation* Store::FindVariation(uint32_t id) const {
  auto it = std::lower_bound(variations.begin(), variations.end(), id,
                             [](const Variation& p, uint32_t v) { return p.id < v; });
  return it == variations.end() || it->id != id ? nullptr : &*it;
}
const Coupon* Store::FindCoupon(uint32_t id) const {
  for (const auto& c : coupons) {
    if (c.id == id) return &c;
  }
  return nullptr;
}
const Customer* Store::FindCustomer(uint32_t id) const {
  auto it = std::lower_bound(customers.begin(), customers.end(), id,
                             [](const Customer& p, uint32_t v) { return p.id < v; });
  return it == customers.end() || it->id != id ? nullptr : &*it;
}
const Refund* Store::FindRefund(uint32_t id) const {
  auto it = std::lower_bound(refunds.begin(), refunds.end(), id,
                             [](const Refund& p, uint32_t v) { return p.id < v; });
  return it == refunds.end() || it->id != id ? nullptr : &*it;
}

}  // namespace clever::wcsim
