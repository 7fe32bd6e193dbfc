import json, sys, datetime
# The largest filter the parser allows (as FilterExpressionsTests.LargestAllowedFilter): 200 conditions in one "or",
# four "in" lists of 1,000 values, 195 lists of 5, and a last condition that matches.
MAX=1000
def texts(n,p): return [f"{p}-{i}" for i in range(n)]
def nums(n,f): return list(range(f,f+n))
def build(text, num, lst, last):
    c=[{"field":text,"op":"in","value":texts(MAX,"nope")},
       {"field":num,"op":"in","value":nums(MAX,100000)},
       {"field":"account.arr","op":"in","value":nums(MAX,10000000)},
       {"field":"account.created_at","op":"in","value":[(datetime.date(1990,1,1)+datetime.timedelta(days=i)).isoformat() for i in range(MAX)]}]
    small=200-len(c)-1; per=(5000-4*MAX-3)//small
    for i in range(small):
        c.append({"field":lst,"op":"in","value":texts(per,f"c{i}")} if i%2==0 else {"field":num,"op":"in","value":nums(per,200000+i*per)})
    c.append(last)
    return {"or":c}
mode=sys.argv[1]
if mode=="upstack":
    f=build("orders.source_name","orders.value","attribution.utm_campaign",{"field":"orders.source_name","op":"in","value":["web","pos","x"]})
    print(json.dumps({"pixelId":"demo-pixel","granularity":"month","measures":["orders.customers_cohort","orders.ltv_cohort_net_revenue"],"dateRange":{"start":"2025-01-01","end":"2025-12-31"},"filters":f},separators=(',',':')))
else:
    f=build("account.owner_id","account.health_score","account.user_type",{"field":"account.territory","op":"in","value":["NA","EMEA","x"]})
    print(json.dumps({"filter_criteria":f},separators=(',',':')))
