/*
 * report_html.c - audit and show as one self-contained HTML page: the
 * summary, a sortable and filterable table of the rows, and per type a
 * byte map drawn to scale in SVG (members as boxes, holes and tail padding
 * hatched, bit-fields inside their storage unit, cache-line boundaries,
 * the suggested order beneath).
 *
 * It lives in cli/, not libalign/report/, because it renders audit's rows
 * (rows.c) with their heap joins and counts, which are the CLI's; the byte
 * map itself needs only an align_layout.
 *
 * Self-contained: inline CSS, SVG and script, no fetch of any kind, so the
 * file opens offline and can be attached to a CI run.  Without script the
 * summary, the whole table and the first HTML_INLINE_MAPS byte maps show
 * as plain HTML; the script pages, sorts and filters the table and
 * renders the other byte maps (kept in inert <template> elements) only
 * when they scroll into view, so 20,000 types do not freeze a browser.
 * Every name is HTML-escaped.  The tests (tests/html_report.sh) read the
 * rendered DOM: member boxes carry data-off/data-size (bytes), data-bitoff
 * and data-bits for bit-fields, and the svg its px-per-byte in data-ppb.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define HTML_INLINE_MAPS 50 /* byte maps in the page as plain HTML */
#define HTML_PAGE_ROWS 100  /* table rows in the page as plain HTML: the script's page */
#define MAP_WIDTH 768.0
#define ROW_H 36
#define BOX_H 26
#define MAX_ROWS 32

void html_escape(align_buf *out, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        align_buf_append(out, run, (size_t)(s - run));
        align_buf_puts(out, rep);
        run = s + 1;
    }
    align_buf_append(out, run, (size_t)(s - run));
}

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#111;background:#fff}"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}h3{font-size:1em;margin:1.2em 0 "
    ".3em;font-family:monospace}"
    "table.types{border-collapse:collapse}table.types th,table.types td{padding:2px "
    "8px;border-bottom:1px solid #ddd;text-align:right}"
    "table.types td.name,table.types th.name{text-align:left;font-family:monospace}"
    "table.types th{cursor:pointer;background:#f3f3f3;position:sticky;top:0}"
    "dl.summary{display:grid;grid-template-columns:max-content auto;gap:2px 1em}"
    "dl.summary dt{font-weight:600}dl.summary dd{margin:0}"
    "svg.map text{font:11px monospace;fill:#000}svg.map .m rect{fill:#cfe3ff;stroke:#245}"
    "svg.map .m.bf rect{fill:#e6d7ff}svg.map .unit{fill:none;stroke:#524;stroke-dasharray:3 "
    "2}"
    "svg.map .hole rect,svg.map .tail rect,svg.map .bithole rect{fill:url(#hatch);stroke:#a22}"
    "svg.map .cl{fill:none;stroke:#e60;stroke-width:2;stroke-dasharray:4 3}"
    "svg.map text.off{font-size:9px;fill:#555}"
    ".sites{font-family:monospace;font-size:12px;margin:.2em 0 .2em 1em}"
    ".legend span{display:inline-block;margin-right:1.2em}"
    "#pager button{margin:0 .2em}.hidden{display:none}"
    ".side{display:flex;gap:2em;flex-wrap:wrap}"
    "@media print{#controls,#pager{display:none}}";

/* The script: errors into the DOM (#js-errors, for the tests); for show
 * and diff, sorting, filtering and paging the rows in the page and the
 * lazy <template> byte maps; for audit, the table and the byte maps drawn
 * from the page's JSON (#data: see type_data), the geometry the same as
 * the C below (geom_of, span_rects, box_label, member_box, pad_box,
 * map_grid, svg_open) so that the tests check both the same way. */
static const char script[] =
    "(function(){'use strict';\n"
    "var errs=document.getElementById('js-errors');\n"
    "window.addEventListener('error',function(e){errs.textContent+='error: "
    "'+e.message+'\\n';errs.classList.remove('hidden');});\n"
    "var t0=performance.now(),body=document.body;\n"
    "var tb=document.querySelector('table.types tbody'),dataEl=document.getElementById('data');\n"
    "var page=0,per=100,filt='',hash=location.hash;\n"
    "var pinfo=document.getElementById('pageinfo');\n"
    "function on(id,ev,f){var e=document.getElementById(id);if(e)e.addEventListener(ev,f);}\n"
    "function esc(s){return "
    "String(s).replace(/[&<>\"']/"
    "g,function(c){return{'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;',\"'\":'&#39;'}[c];});}\n"
    "if(tb&&!dataEl){\n"
    "/* show, diff: every row is in the page. */\n"
    "var rows=Array.prototype.slice.call(tb.rows);\n"
    "var visible=function(){return rows.filter(function(r){return "
    "!filt||r.dataset.name.toLowerCase().indexOf(filt)>=0;});};\n"
    "var draw=function(){var "
    "v=visible(),n=Math.max(1,Math.ceil(v.length/per));if(page>=n)page=n-1;\n"
    "rows.forEach(function(r){r.classList.add('hidden');});\n"
    "v.forEach(function(r,i){tb.appendChild(r);if(i>=page*per&&i<(page+1)*per)r.classList.remove('"
    "hidden');});\n"
    "if(pinfo)pinfo.textContent='page '+(page+1)+' of '+n+' ('+v.length+' types)';};\n"
    "var dir={};\n"
    "Array.prototype.forEach.call(document.querySelectorAll('table.types "
    "th'),function(th,ci){th.addEventListener('click',function(){\n"
    "var d=dir[ci]=-(dir[ci]||1),num=th.dataset.num==='1';\n"
    "rows.sort(function(a,b){var x=a.cells[ci].dataset.v,y=b.cells[ci].dataset.v;\n"
    "if(num){x=Number(x);y=Number(y);return x<y?d:x>y?-d:0;}return "
    "x<y?-d:x>y?d:0;});page=0;draw();});});\n"
    "document.getElementById('controls').classList.remove('hidden');\n"
    "on('filter','input',function(e){filt=e.target.value.toLowerCase();page=0;draw();});\n"
    "on('prev','click',function(){if(page>0)page--;draw();});\n"
    "on('next','click',function(){page++;draw();});\n"
    "draw();}\n"
    "function "
    "show(t){if(!t.parentNode)return;t.parentNode.replaceChild(t.content.cloneNode(true),t);}\n"
    "var lazy=document.querySelectorAll('template.lazy');\n"
    "if('IntersectionObserver' in window){var io=new "
    "IntersectionObserver(function(es){es.forEach(function(e){if(e.isIntersecting){io.unobserve(e."
    "target);show(e.target.previousElementSibling);}});},{rootMargin:'800px'});\n"
    "Array.prototype.forEach.call(lazy,function(t){var "
    "s=document.createElement('span');t.parentNode.insertBefore(s,t.nextSibling);io.observe(s);});}"
    "\n"
    "else Array.prototype.forEach.call(lazy,show);\n"
    "if(tb&&dataEl){\n"
    "/* audit: the types are data; the table is drawn a page at a time, a\n"
    " * type's byte maps when its row is opened. */\n"
    "var D=JSON.parse(dataEl.textContent),T=D.types,order=T.map(function(_,i){return "
    "i;}),vis=order;\n"
    "var W=768,RH=36,BH=26,MAXR=32;\n"
    "var geom=function(size,cl){var "
    "g={cl:cl,bpr:cl};g.rows=size?Math.ceil(size/"
    "g.bpr):1;while(g.rows>MAXR){g.bpr*=2;g.rows=Math.ceil(size/g.bpr);}g.ppb=W/g.bpr;return g;};\n"
    "var rects=function(g,off,len,y0,cls){var s='',end=off+len;while(off<end){var "
    "row=Math.floor(off/g.bpr),re=(row+1)*g.bpr,seg=(end<re?end:re)-off;\n"
    "s+='<rect'+(cls?' class=\"'+cls+'\"':'')+' x=\"'+((off-row*g.bpr)*g.ppb).toFixed(2)+'\" "
    "y=\"'+(y0+row*RH)+'\" width=\"'+(seg*g.ppb).toFixed(2)+'\" "
    "height=\"'+BH+'\"/>';off+=seg;}return s;};\n"
    "var label=function(g,off,len,y0,name){var "
    "row=Math.floor(off/"
    "g.bpr),re=(row+1)*g.bpr,w=((off+len<re?off+len:re)-off)*g.ppb,fit=w>6?Math.floor((w-4)/"
    "6.7):0;\n"
    "if(!fit||!name.length)return '';if(name.length>fit){var "
    "k=fit>1?fit-1:1;if(k>60)k=60;name=name.slice(0,k)+(fit>1?'\\u2026':'');}\n"
    "return '<text x=\"'+((off-row*g.bpr)*g.ppb+2).toFixed(2)+'\" "
    "y=\"'+(y0+row*RH+17)+'\">'+esc(name)+'</text>';};\n"
    "var mbox=function(g,m,off){var bf=m.length>4,s='<g class=\"m'+(bf?' bf':'')+'\" "
    "data-name=\"'+esc(m[0])+'\" data-off=\"'+off+'\" data-size=\"'+m[3]+'\"';\n"
    "if(bf)s+=' data-bitoff=\"'+m[4]+'\" data-bits=\"'+m[5]+'\"';\n"
    "s+='><title>'+esc(m[0])+' '+esc(m[1])+(bf?': bits '+m[4]+'..'+(m[4]+m[5]-1)+' ('+m[5]+' "
    "bits)':': offset '+off+', '+m[3]+' bytes')+'</title>';\n"
    "if(bf){var "
    "first=Math.floor(m[4]/8),unit=m[3]?Math.floor(first/"
    "m[3])*m[3]:first;if(m[3])s+=rects(g,unit,m[3],4,'unit');\n"
    "if(m[5])s+=rects(g,m[4]/8,m[5]/8,4)+label(g,m[4]/8,m[5]/8,4,m[0]);}\n"
    "else if(m[3])s+=rects(g,off,m[3],4)+label(g,off,m[3],4,m[0]);return s+'</g>';};\n"
    "var pad=function(g,cls,off,len,what){return '<g class=\"'+cls+'\" data-off=\"'+off+'\" "
    "data-size=\"'+len+'\"><title>'+what+': '+len+' byte'+(len==1?'':'s')+' at "
    "'+off+'</"
    "title>'+rects(g,off,len,4)+(len*g.ppb>=30?label(g,off,len,4,cls=='tail'?'pad':'hole'):'')+'</"
    "g>';};\n"
    "var grid=function(g,size){var s='',d='',r;for(r=0;r<g.rows;r++)s+='<text class=\"off\" "
    "x=\"'+(W+4).toFixed(2)+'\" y=\"'+(4+r*RH+12)+'\">+'+r*g.bpr+'</text>';\n"
    "for(r=0;g.cl*g.ppb>=6&&r<g.rows;r++)for(var "
    "b=r*g.bpr;b<(r+1)*g.bpr&&b<=size;b+=g.cl)if(b>0)d+=(d?' "
    "':'')+'M'+((b-r*g.bpr)*g.ppb).toFixed(2)+' '+(4+r*RH-3)+'v'+(BH+6);\n"
    "return d?s+'<path class=\"cl\" d=\"'+d+'\"/>':s;};\n"
    "var svg=function(g,cls,lab,b){var h=g.rows*RH+4;return '<svg class=\"map '+cls+'\" "
    "role=\"img\" aria-label=\"'+lab+'\" data-ppb=\"'+g.ppb+'\" data-bpr=\"'+g.bpr+'\" "
    "width=\"'+(W+50)+'\" height=\"'+h+'\" viewBox=\"0 -4 '+(W+50)+' '+h+'\">'+b+'</svg>\\n';};\n"
    "var current=function(t){var g=geom(t.z,t.l||64),s='',b='';\n"
    "if(g.bpr!=g.cl)s='<div class=\"scale\">'+g.bpr+' bytes per row ('+g.bpr/g.cl+' cache lines of "
    "'+g.cl+' bytes'+(g.cl*g.ppb<6?'; too dense to draw each boundary':'')+')</div>';\n"
    "t.m.forEach(function(m){b+=mbox(g,m,m[2]);});(t.g||[]).forEach(function(h){b+=pad(g,'hole',h["
    "0],h[1],'hole');});\n"
    "(t.b||[]).forEach(function(h){b+=pad(g,'bithole',h[0]/8,h[1]/8,'unused "
    "bits');});if(t.t)b+=pad(g,'tail',t.z-t.t,t.t,'tail padding');\n"
    "return s+svg(g,'current','byte map, current order',b+grid(g,t.z));};\n"
    "var suggested=function(t){var "
    "g=geom(t.o,t.l||64),b='',prev=0;t.q.forEach(function(mi,k){b+=mbox(g,t.m[mi],t.u[k]);});\n"
    "t.q.forEach(function(mi,k){if(t.u[k]>prev)b+=pad(g,'hole',prev,t.u[k]-prev,'hole');prev=t.u[k]"
    "+t.m[mi][3];});\n"
    "if(t.o>prev)b+=pad(g,'tail',prev,t.o-prev,'tail padding');return svg(g,'optimal','byte map, "
    "suggested order',b+grid(g,t.o));};\n"
    "var section=function(i){var t=T[i],s='<section class=\"type\" id=\"t'+i+'\" data-lazy=\"1\" "
    "data-name=\"'+esc(t.n)+'\"><h3>'+esc(t.n)+'</h3>\\n<p>';\n"
    "if(t.f)s+=esc(t.f)+':'+t.fl+' &middot; ';\n"
    "s+=(t.k||'struct')+', <span class=\"size\">'+t.z+'</span> bytes, align '+t.a+', padding "
    "'+t.p+'; optimal <span class=\"opt\">'+t.o+'</span> bytes';\n"
    "if(t.s)s+='; &times; '+t.s[0]+' = '+t.s[1]+' bytes saved';if(t.e)s+=' ('+esc(t.e)+')';\n"
    "if(t.i!==undefined)s+='; <strong>inconsistent debug information:</strong> '+esc(t.i);\n"
    "s+='</p>\\n<div class=\"maps\"><div>current order:</div>\\n'+current(t);\n"
    "if(t.r){s+='<div>suggested order: <span class=\"osize\">'+t.o+'</span> bytes, saves <span "
    "class=\"saved\">'+t.r+'</span> byte'+(t.r==1?'':'s')+' per instance</div>\\n';\n"
    "s+=t.u?suggested(t):'<p class=\"order\">'+t.q.map(function(k){return "
    "esc(t.m[k][0]);}).join(', ')+'</p>\\n';}\n"
    "s+='</div>';\n"
    "if(t.y){if(t.x)s+='<p>heap: '+(t.x[0]?'array of':'object in')+' size class '+t.x[1]+' &rarr; "
    "'+t.x[2]+' bytes, '+t.x[3]+' bytes saved in all</p>';\n"
    "s+='<div class=\"sites\">'+t.y.length+' heap "
    "site'+(t.y.length==1?'':'s')+':<br>'+t.y.map(function(x){return "
    "esc(x)+'<br>';}).join('')+'</div>';}\n"
    "return s+'</section>\\n';};\n"
    "var maps=document.getElementById('maps');\n"
    "var open=function(i){var e=document.getElementById('t'+i);if(e)return e;\n"
    "maps.insertAdjacentHTML('beforeend',section(i));return maps.lastElementChild;};\n"
    "var td=function(c,v){return '<td class=\"'+c+'\" data-v=\"'+v+'\">'+v+'</td>';};\n"
    "var rowhtml=function(i){var t=T[i],s='<tr data-name=\"'+esc(t.n)+'\"><td class=\"name\" "
    "data-v=\"'+esc(t.n)+'\"><a "
    "href=\"#t'+i+'\">'+esc(t.n)+'</a></"
    "td>'+td('saved',t.w)+td('size',t.z)+td('opt',t.o)+td('count',t.c);\n"
    "if(D.heap)s+=t.h?td('class',t.h[0])+td('oclass',t.h[1])+td('heap',t.h[2])+td('nsites',t.h[3]):"
    "t.hc!==undefined?'<td data-v=\"0\"></td><td data-v=\"0\"></td>'+td('heap',t.hc)+'<td "
    "data-v=\"0\">0</td>':"
    "'<td data-v=\"0\"></td><td data-v=\"0\"></td><td data-v=\"0\"></td><td data-v=\"0\">0</td>';\n"
    "return s+'</tr>\\n';};\n"
    "var draw=function(){var n=Math.max(1,Math.ceil(vis.length/per));if(page>=n)page=n-1;\n"
    "tb.innerHTML=vis.slice(page*per,(page+1)*per).map(rowhtml).join('');\n"
    "if(pinfo)pinfo.textContent='page '+(page+1)+' of '+n+' ('+vis.length+' types)';};\n"
    "var refilt=function(){vis=filt?order.filter(function(i){return "
    "T[i].n.toLowerCase().indexOf(filt)>=0;}):order;page=0;draw();};\n"
    "var key=function(k){if(k=='n')return function(t){return t.n;};if(k[0]=='h'){var "
    "j=+k[1];return function(t){return t.h?t.h[j]:j==2&&t.hc?t.hc:0;};}return function(t){return "
    "t[k];};};\n"
    "var dir={};\n"
    "/* Numbers largest first on the first click, names A-Z; a second click\n"
    " * reverses.  Ties keep the ranking's order (the sort is stable). */\n"
    "var sortby=function(k){var d=dir[k]=dir[k]?-dir[k]:(k=='n'?1:-1),f=key(k);\n"
    "order=order.slice().sort(function(a,b){var x=f(T[a]),y=f(T[b]);return "
    "x<y?-d:x>y?d:a-b;});refilt();};\n"
    "Array.prototype.forEach.call(document.querySelectorAll('table.types "
    "th'),function(th){th.addEventListener('click',function(){sortby(th.dataset.k);});});\n"
    "document.getElementById('controls').classList.remove('hidden');\n"
    "var "
    "ft;on('filter','input',function(e){clearTimeout(ft);ft=setTimeout(function(){filt=e.target."
    "value.toLowerCase();refilt();},80);});\n"
    "on('prev','click',function(){if(page>0)page--;draw();});\n"
    "on('next','click',function(){page++;draw();});\n"
    "var go=function(){var m=/^#t(\\d+)$/.exec(location.hash);if(m&&+m[1]<T.length){var "
    "e=open(+m[1]);e.scrollIntoView();}};\n"
    "window.addEventListener('hashchange',go);\n"
    "/* Hooks for tests and the benchmark: #all draws every row and byte map,\n"
    " * #sort=K sorts by column K (data-k) first; the times go to data-t-*. */\n"
    "var sm=/sort=(\\w+)/.exec(hash);\n"
    "if(sm){var "
    "t1=performance.now();sortby(sm[1]);body.dataset.tSort=(performance.now()-t1).toFixed(1);}\n"
    "if(/\\ball\\b/.test(hash)){per=T.length||1;draw();for(var i=0;i<T.length;i++)open(i);}\n"
    "else if(!sm)draw();\n"
    "go();}\n"
    "body.dataset.tScript=(performance.now()-t0).toFixed(1);\n"
    "body.dataset.ready='1';\n"
    "})();\n";

void html_doc_begin(align_buf *out, const char *title)
{
    align_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
    html_escape(out, title);
    align_buf_printf(out, "</title>\n<style>%s</style>\n</head><body>\n", css);
    align_buf_puts(out, "<pre id=\"js-errors\" class=\"hidden\"></pre>\n");
    /* The one hatch every byte map fills holes with (not colour alone). */
    align_buf_puts(out, "<svg width=\"0\" height=\"0\" style=\"position:absolute\" "
                        "aria-hidden=\"true\"><defs><pattern id=\"hatch\" "
                        "patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" "
                        "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" "
                        "fill=\"#fff0f0\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
                        "stroke=\"#c33\" stroke-width=\"2\"/></pattern></defs></svg>\n");
}

void html_doc_end(align_buf *out)
{
    align_buf_printf(out, "<script>%s</script>\n</body></html>\n", script);
}

/* --- the byte map --------------------------------------------------- */

typedef struct map_geom {
    uint64_t bpr; /* bytes per drawn row */
    double ppb;   /* px per byte */
    uint64_t rows;
    uint32_t cacheline;
} map_geom;

static map_geom geom_of(uint64_t size, uint32_t cacheline)
{
    map_geom g;
    g.cacheline = cacheline ? cacheline : 64;
    g.bpr = g.cacheline;
    g.rows = size ? (size + g.bpr - 1) / g.bpr : 1;
    while (g.rows > MAX_ROWS) {
        g.bpr *= 2;
        g.rows = (size + g.bpr - 1) / g.bpr;
    }
    g.ppb = MAP_WIDTH / (double)g.bpr;
    return g;
}

/* Rectangles covering [off, off+len) bytes (fractions for bits), one per
 * drawn row it touches. */
static void span_rects(align_buf *out, const map_geom *g, double off, double len, unsigned y0,
                       const char *cls)
{
    double end = off + len;
    while (off < end) {
        uint64_t row = (uint64_t)(off / (double)g->bpr);
        double rowend = (double)(row + 1) * (double)g->bpr;
        double seg = (end < rowend ? end : rowend) - off;
        align_buf_printf(out, "<rect%s%s%s x=\"%.2f\" y=\"%llu\" width=\"%.2f\" height=\"%d\"/>",
                         cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "",
                         (off - (double)row * (double)g->bpr) * g->ppb,
                         (unsigned long long)(y0 + row * ROW_H), seg * g->ppb, BOX_H);
        off += seg;
    }
}

/* The label inside a box: the name cut to what fits (the <title> has it
 * whole). */
static void box_label(align_buf *out, const map_geom *g, double off, double len, unsigned y0,
                      const char *name)
{
    uint64_t row = (uint64_t)(off / (double)g->bpr);
    double rowend = (double)(row + 1) * (double)g->bpr;
    double w = ((off + len < rowend ? off + len : rowend) - off) * g->ppb;
    size_t fit = w > 6 ? (size_t)((w - 4) / 6.7) : 0, n = strlen(name);
    char cut[64];
    if (fit == 0 || n == 0)
        return;
    if (n > fit) {
        size_t k = fit > 1 ? fit - 1 : 1;
        if (k > sizeof cut - 4)
            k = sizeof cut - 4;
        memcpy(cut, name, k);
        strcpy(cut + k, fit > 1 ? "\xe2\x80\xa6" : "");
        name = cut;
    }
    align_buf_printf(out, "<text x=\"%.2f\" y=\"%llu\">",
                     (off - (double)row * (double)g->bpr) * g->ppb + 2,
                     (unsigned long long)(y0 + row * ROW_H + 17));
    html_escape(out, name);
    align_buf_puts(out, "</text>");
}

static const char *member_label(const align_member *m)
{
    return m->name && m->name[0] ? m->name : m->type_name ? m->type_name : "(anonymous)";
}

/* One member: its box(es), label and tooltip; a bit-field drawn at bit
 * precision inside the dashed outline of its storage unit.  off: where it
 * is drawn (the suggested order moves it). */
static void member_box(align_buf *out, const map_geom *g, const align_member *m, uint64_t off,
                       unsigned y0)
{
    const char *name = member_label(m);
    bool bf = (m->flags & ALIGN_MEMBER_BITFIELD) != 0;
    align_buf_printf(out, "<g class=\"m%s\" data-name=\"", bf ? " bf" : "");
    html_escape(out, name);
    align_buf_printf(out, "\" data-off=\"%llu\" data-size=\"%llu\"", (unsigned long long)off,
                     (unsigned long long)m->size);
    if (bf)
        align_buf_printf(out, " data-bitoff=\"%llu\" data-bits=\"%u\"",
                         (unsigned long long)m->bit_offset, m->bit_size);
    align_buf_puts(out, "><title>");
    html_escape(out, name);
    align_buf_puts(out, " ");
    html_escape(out, m->type_name ? m->type_name : "");
    if (bf)
        align_buf_printf(out, ": bits %llu..%llu (%u bits)</title>",
                         (unsigned long long)m->bit_offset,
                         (unsigned long long)(m->bit_offset + m->bit_size - 1), m->bit_size);
    else
        align_buf_printf(out, ": offset %llu, %llu bytes</title>", (unsigned long long)off,
                         (unsigned long long)m->size);
    if (bf) {
        uint64_t first = m->bit_offset / 8;
        uint64_t unit = m->size ? first / m->size * m->size : first;
        if (m->size)
            span_rects(out, g, (double)unit, (double)m->size, y0, "unit");
        if (m->bit_size) {
            span_rects(out, g, (double)m->bit_offset / 8.0, (double)m->bit_size / 8.0, y0, NULL);
            box_label(out, g, (double)m->bit_offset / 8.0, (double)m->bit_size / 8.0, y0, name);
        }
    } else if (m->size) {
        span_rects(out, g, (double)off, (double)m->size, y0, NULL);
        box_label(out, g, (double)off, (double)m->size, y0, name);
    }
    align_buf_puts(out, "</g>");
}

static void pad_box(align_buf *out, const map_geom *g, const char *cls, double off, double len,
                    unsigned y0, const char *what)
{
    align_buf_printf(out,
                     "<g class=\"%s\" data-off=\"%g\" data-size=\"%g\"><title>%s: %g "
                     "byte%s at %g</title>",
                     cls, off, len, what, len, len == 1 ? "" : "s", off);
    span_rects(out, g, off, len, y0, NULL);
    if (len * g->ppb >= 30)
        box_label(out, g, off, len, y0, cls[0] == 't' ? "pad" : "hole");
    align_buf_puts(out, "</g>");
}

/* Cache-line boundaries (dashed, labelled with the offset) and the offset
 * at each drawn row's start. */
static void map_grid(align_buf *out, const map_geom *g, uint64_t size, unsigned y0)
{
    /* Closer than 6 px the lines would be a grey wash: the caption says
     * how many there are instead.  One path for all of them (cmd/go has
     * thousands). */
    bool lines = (double)g->cacheline * g->ppb >= 6, any = false;
    for (uint64_t r = 0; r < g->rows; r++)
        align_buf_printf(out, "<text class=\"off\" x=\"%.2f\" y=\"%llu\">+%llu</text>",
                         MAP_WIDTH + 4, (unsigned long long)(y0 + r * ROW_H + 12),
                         (unsigned long long)(r * g->bpr));
    for (uint64_t r = 0; lines && r < g->rows; r++)
        for (uint64_t b = r * g->bpr; b < (r + 1) * g->bpr && b <= size; b += g->cacheline)
            if (b > 0) {
                align_buf_printf(out, "%sM%.2f %lluv%d", any ? " " : "<path class=\"cl\" d=\"",
                                 (double)(b - r * g->bpr) * g->ppb,
                                 (unsigned long long)(y0 + r * ROW_H - 3), BOX_H + 6);
                any = true;
            }
    if (any)
        align_buf_puts(out, "\"/>");
}

static void svg_open(align_buf *out, const map_geom *g, const char *cls, const char *label)
{
    align_buf_printf(out,
                     "<svg class=\"map %s\" role=\"img\" aria-label=\"%s\" data-ppb=\"%g\" "
                     "data-bpr=\"%llu\" width=\"%.0f\" height=\"%llu\" viewBox=\"0 -4 %.0f "
                     "%llu\">",
                     cls, label, g->ppb, (unsigned long long)g->bpr, MAP_WIDTH + 50,
                     (unsigned long long)(g->rows * ROW_H + 4), MAP_WIDTH + 50,
                     (unsigned long long)(g->rows * ROW_H + 4));
}

/* The layout as laid out. */
void html_byte_map(align_buf *out, const align_layout *l)
{
    map_geom g = geom_of(l->size, l->cacheline);
    if (g.bpr != g.cacheline)
        align_buf_printf(
            out,
            "<div class=\"scale\">%llu bytes per row (%llu cache lines of %u "
            "bytes%s)</div>",
            (unsigned long long)g.bpr, (unsigned long long)(g.bpr / g.cacheline), g.cacheline,
            (double)g.cacheline * g.ppb < 6 ? "; too dense to draw each boundary" : "");
    svg_open(out, &g, "current", "byte map, current order");
    for (size_t i = 0; i < l->nmembers; i++)
        member_box(out, &g, &l->members[i], l->members[i].offset, 4);
    for (size_t i = 0; i < l->nholes; i++)
        pad_box(out, &g, "hole", (double)l->holes[i].offset, (double)l->holes[i].size, 4, "hole");
    for (size_t i = 0; i < l->nbit_holes; i++)
        pad_box(out, &g, "bithole", (double)l->bit_holes[i].bit_offset / 8.0,
                (double)l->bit_holes[i].bit_size / 8.0, 4, "unused bits");
    if (l->tail_padding)
        pad_box(out, &g, "tail", (double)(l->size - l->tail_padding), (double)l->tail_padding, 4,
                "tail padding");
    map_grid(out, &g, l->size, 4);
    align_buf_puts(out, "</svg>\n");
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return a > 1 ? (v + a - 1) / a * a : v;
}

/* The suggested order, placed member after member at each one's
 * alignment, into offs (nmembers entries, in the suggested order).  true
 * only when that placement gives exactly the layout's optimal_size (no
 * bit-fields, no Go zero-size tail): otherwise the order is listed as
 * text, never drawn wrong. */
static bool optimal_offsets(const align_layout *l, uint64_t *offs)
{
    uint64_t off = 0;
    if (l->kind != ALIGN_KIND_STRUCT || l->optimal_order == NULL || l->reclaimable == 0)
        return false;
    for (size_t k = 0; k < l->nmembers; k++) {
        const align_member *m = &l->members[l->optimal_order[k]];
        if (m->flags & (ALIGN_MEMBER_BITFIELD | ALIGN_MEMBER_FLEXIBLE))
            return false;
        off = align_up(off, m->align);
        offs[k] = off;
        off += m->size;
    }
    if (l->nmembers && l->members[l->optimal_order[l->nmembers - 1]].size == 0 &&
        l->lang == ALIGN_LANG_GO)
        return false;
    return align_up(off, l->align) == l->optimal_size;
}

/* The suggested order's byte map; false: not drawn (optimal_offsets). */
static bool map_optimal(align_buf *out, const align_layout *l)
{
    uint64_t *offs, prev = 0;
    map_geom g;
    offs = malloc(l->nmembers * sizeof *offs + 1);
    if (offs == NULL || !optimal_offsets(l, offs)) {
        free(offs);
        return false;
    }
    g = geom_of(l->optimal_size, l->cacheline);
    svg_open(out, &g, "optimal", "byte map, suggested order");
    for (size_t k = 0; k < l->nmembers; k++)
        member_box(out, &g, &l->members[l->optimal_order[k]], offs[k], 4);
    for (size_t k = 0; k < l->nmembers; k++) {
        if (offs[k] > prev)
            pad_box(out, &g, "hole", (double)prev, (double)(offs[k] - prev), 4, "hole");
        prev = offs[k] + l->members[l->optimal_order[k]].size;
    }
    if (l->optimal_size > prev)
        pad_box(out, &g, "tail", (double)prev, (double)(l->optimal_size - prev), 4, "tail padding");
    map_grid(out, &g, l->optimal_size, 4);
    align_buf_puts(out, "</svg>\n");
    free(offs);
    return true;
}

/* One type's section: heading, figures, byte maps (inline, or in a lazy
 * template), heap sites as text. */
void html_type_section(align_buf *out, size_t id, const align_layout *l, const align_cost *cost,
                       const align_heap_join *join, const align_heap_type *ht,
                       const align_heap_cost *hc, bool lazy)
{
    align_srcpos pos = align_type_pos(l->type);
    align_buf_printf(out, "<section class=\"type\" id=\"t%zu\" data-name=\"", id);
    html_escape(out, l->name);
    align_buf_puts(out, "\"><h3>");
    html_escape(out, l->name);
    align_buf_puts(out, "</h3>\n<p>");
    if (pos.file && pos.line) {
        html_escape(out, pos.file);
        align_buf_printf(out, ":%u &middot; ", pos.line);
    }
    align_buf_printf(out,
                     "%s, <span class=\"size\">%llu</span> bytes, align %u, padding %llu; "
                     "optimal <span class=\"opt\">%llu</span> bytes",
                     l->kind == ALIGN_KIND_UNION ? "union" : "struct", (unsigned long long)l->size,
                     l->align, (unsigned long long)l->padding, (unsigned long long)l->optimal_size);
    if (cost && cost->count != 1)
        align_buf_printf(out, "; &times; %llu = %llu bytes saved", (unsigned long long)cost->count,
                         (unsigned long long)cost->bytes_saved);
    if (l->optimal_note) {
        align_buf_puts(out, " (");
        html_escape(out, l->optimal_note);
        align_buf_puts(out, ")");
    }
    if (!l->positions_valid) {
        align_buf_puts(out, "; <strong>inconsistent debug information:</strong> ");
        html_escape(out, l->invalid);
    }
    align_buf_puts(out, "</p>\n");
    if (lazy)
        align_buf_puts(out, "<template class=\"lazy\">");
    align_buf_puts(out, "<div class=\"maps\"><div>current order:</div>\n");
    html_byte_map(out, l);
    if (l->reclaimable > 0) {
        align_buf_printf(out,
                         "<div>suggested order: <span class=\"osize\">%llu</span> bytes, saves "
                         "<span class=\"saved\">%llu</span> byte%s per instance</div>\n",
                         (unsigned long long)l->optimal_size, (unsigned long long)l->reclaimable,
                         l->reclaimable == 1 ? "" : "s");
        if (!map_optimal(out, l)) {
            align_buf_puts(out, "<p class=\"order\">");
            for (size_t k = 0; l->optimal_order && k < l->nmembers; k++) {
                if (k)
                    align_buf_puts(out, ", ");
                html_escape(out, member_label(&l->members[l->optimal_order[k]]));
            }
            align_buf_puts(out, "</p>\n");
        }
    }
    align_buf_puts(out, "</div>");
    if (lazy)
        align_buf_puts(out, "</template>");
    if (ht && join) {
        if (hc)
            align_buf_printf(
                out,
                "<p>heap: %s size class %llu &rarr; %llu bytes, %llu bytes saved "
                "in all</p>",
                hc->per_element ? "array of" : "object in", (unsigned long long)hc->now.bytes,
                (unsigned long long)hc->optimal.bytes, (unsigned long long)hc->saved_total);
        align_buf_printf(out, "<div class=\"sites\">%zu heap site%s:<br>", ht->nsites,
                         ht->nsites == 1 ? "" : "s");
        for (size_t k = 0; k < ht->nsites; k++) {
            align_heap_site s_v;
            align_heap_join_site(join, ht->sites[k], &s_v);
            const align_heap_site *s = &s_v;
            html_escape(out, s->path ? s->path : s->file);
            align_buf_printf(out, ":%u", s->line);
            if (s->col)
                align_buf_printf(out, ":%u", s->col);
            align_buf_puts(out, " ");
            html_escape(out, s->expr ? s->expr : "");
            align_buf_puts(out, "<br>");
        }
        align_buf_puts(out, "</div>");
    }
    align_buf_puts(out, "</section>\n");
}

/* --- audit ----------------------------------------------------------- */

static void dd_bytes(align_buf *out, const char *what, uint64_t v, const char *id)
{
    char a[64];
    align_format_bytes(a, sizeof a, v);
    align_buf_printf(out, "<dt>%s</dt><dd id=\"%s\" data-v=\"%llu\">%s (%llu bytes)</dd>", what, id,
                     (unsigned long long)v, a, (unsigned long long)v);
}

static void audit_summary(align_buf *out, const char *binary, const align_binary_info *info,
                          const audit_rows *r, const align_heap_join *join)
{
    align_buf_puts(out, "<h1>structalign audit: ");
    html_escape(out, binary);
    align_buf_puts(out, "</h1>\n<dl class=\"summary\"><dt>binary</dt><dd id=\"s-binary\">");
    html_escape(out, binary);
    align_buf_printf(out, "</dd><dt>arch</dt><dd>%s</dd><dt>producer</dt><dd>",
                     align_arch_name(info->arch));
    html_escape(out, info->producer ? info->producer : "unknown");
    align_buf_puts(out, "</dd>");
    if (info->go_version) {
        align_buf_puts(out, "<dt>Go version</dt><dd>");
        html_escape(out, info->go_version);
        align_buf_puts(out, "</dd>");
    }
    align_buf_printf(out,
                     "<dt>struct/union types</dt><dd id=\"s-types\">%zu</dd>"
                     "<dt>with reclaimable padding</dt><dd id=\"s-wasteful\">%zu</dd>",
                     r->ntypes, r->nwasteful);
    dd_bytes(out, "reclaimable in all", r->total, "s-total");
    if (r->npublic > 0) /* ABI breaks, apart from the free total (--keep) */
        dd_bytes(out, "not counted: public API (reordering breaks the ABI)", r->public_total,
                 "s-public-total");
    if (join) {
        align_buf_printf(out, "<dt>heap-allocated types</dt><dd id=\"s-heap-types\">%zu</dd>",
                         r->nheap);
        dd_bytes(out, "heap bytes saved", r->heap_total, "s-heap-total");
    }
    if (r->nmismatch)
        align_buf_printf(out, "<dt>model disagreed with the compiler</dt><dd>%zu types</dd>",
                         r->nmismatch);
    if (r->ninvalid)
        align_buf_printf(out, "<dt>inconsistent debug information</dt><dd>%zu types</dd>",
                         r->ninvalid);
    align_buf_puts(out, "</dl>\n");
    align_buf_puts(out, "<p class=\"legend\"><span>boxes: members (name inside, full name and "
                        "offset on hover)</span><span>hatched: holes and tail padding</span>"
                        "<span>dashed outline: a bit-field's storage unit</span><span>each "
                        "row of a map is one cache line (or the bytes it says); dashed orange "
                        "line: a cache-line boundary (a row's start, or inside a row)</span>"
                        "</p>\n");
}

/* The table's head; data-k names the key the script sorts by. */
static void audit_table_head(align_buf *out, size_t n, bool heap)
{
    align_buf_printf(out, "<h2>Types (%zu listed)</h2>\n", n);
    align_buf_puts(out, "<div id=\"controls\" class=\"hidden\"><label>filter: <input "
                        "id=\"filter\" type=\"search\"></label> <span id=\"pager\"><button "
                        "id=\"prev\">&larr;</button><span id=\"pageinfo\"></span><button "
                        "id=\"next\">&rarr;</button></span></div>\n");
    if (n > HTML_PAGE_ROWS)
        align_buf_printf(out,
                         "<noscript><p>The first %d of %zu types, in the order of the "
                         "ranking; the others, sorting, filtering and their byte maps need "
                         "JavaScript (or use --format text or json).</p></noscript>\n",
                         HTML_PAGE_ROWS, n);
    align_buf_puts(out, "<table class=\"types\"><thead><tr><th class=\"name\" "
                        "data-k=\"n\">type</th><th data-k=\"w\">saved</th><th "
                        "data-k=\"z\">size</th><th data-k=\"o\">optimal</th><th "
                        "data-k=\"c\">count</th>");
    if (heap)
        align_buf_puts(out, "<th data-k=\"h0\">size class</th><th data-k=\"h1\">optimal "
                            "class</th><th data-k=\"h2\">heap saved</th><th data-k=\"h3\">heap "
                            "sites</th>");
    align_buf_puts(out, "</tr></thead><tbody>\n");
}

/* A number cell the table sorts by, as the script's td() writes it. */
static void td(align_buf *out, const char *cls, uint64_t v)
{
    align_buf_printf(out, "<td class=\"%s\" data-v=\"%" PRIu64 "\">%" PRIu64 "</td>", cls, v, v);
}

/* One row of the table as the script also draws it. */
static void audit_table_row(align_buf *out, size_t i, const audit_row *row, bool heap,
                            const align_heap_cost *hc)
{
    align_buf_puts(out, "<tr data-name=\"");
    html_escape(out, row->name);
    align_buf_printf(out, "\"><td class=\"name\" data-v=\"");
    html_escape(out, row->name);
    align_buf_printf(out, "\"><a href=\"#t%zu\">", i);
    html_escape(out, row->name);
    align_buf_puts(out, "</a></td>");
    td(out, "saved", row->waste);
    td(out, "size", row->size);
    td(out, "opt", row->optimal_size);
    td(out, "count", row->count);
    if (heap && hc) {
        td(out, "class", hc->now.bytes);
        td(out, "oclass", hc->optimal.bytes);
        td(out, "heap", row->heap_saved);
        td(out, "nsites", row->heap->nsites);
    } else if (heap && row->heap_carried) {
        /* A record held by heap types: what its reordering saves in them
         * (carried up), no sites of its own. */
        align_buf_puts(out, "<td data-v=\"0\"></td><td data-v=\"0\"></td>");
        td(out, "heap", row->heap_saved);
        align_buf_puts(out, "<td data-v=\"0\">0</td>");
    } else if (heap)
        align_buf_puts(out, "<td data-v=\"0\"></td><td data-v=\"0\"></td><td "
                            "data-v=\"0\"></td><td data-v=\"0\">0</td>");
    align_buf_puts(out, "</tr>\n");
}

/* One type in the page's data (the script draws its row and, when the row
 * is opened, its byte maps from it; report_html.c's script names the
 * keys):
 *   n name, w saved, z size, o optimal, c count,
 *   h [size class, optimal class, heap saved, sites] (--escape, heap rows),
 *   hc heap saved (a record only held by heap types: carried up),
 *   k "union", a align, p padding, l cache line (when not 64), f file and
 *   fl line of the declaration,
 *   e optimal_note, i why the positions are invalid,
 *   s [count, bytes saved] when count is not 1,
 *   m members [label, type, offset, size(, bit offset, bits)],
 *   g holes [offset, size], b unused bits [bit offset, bits], t tail,
 *   r reclaimable, q suggested order (member indexes), u their offsets
 *   (when drawable: optimal_offsets), x heap cost [per element, now,
 *   optimal, saved], y heap sites ("file:line:col expr"). */
static void type_data(align_buf *d, const audit_row *row, const align_layout *l,
                      const align_cost *cost, const align_heap_join *join,
                      const align_heap_cost *hc)
{
    align_srcpos pos = align_type_pos(l->type);
    uint64_t *offs;
    align_buf_puts(d, "{");
    ALIGN_JSON_MEMBERS(d, ALIGN_JSTR("n", row->name), ALIGN_JU64("w", row->waste),
                       ALIGN_JU64("z", row->size), ALIGN_JU64("o", row->optimal_size),
                       ALIGN_JU64("c", row->count));
    if (hc)
        align_buf_printf(d, ",\"h\":[%llu,%llu,%llu,%zu]", (unsigned long long)hc->now.bytes,
                         (unsigned long long)hc->optimal.bytes, (unsigned long long)row->heap_saved,
                         row->heap->nsites);
    else if (row->heap_carried)
        ALIGN_JSON_MEMBERS(d, ALIGN_JU64("hc", row->heap_saved));
    if (l->kind == ALIGN_KIND_UNION)
        ALIGN_JSON_MEMBERS(d, ALIGN_JSTR("k", "union"));
    ALIGN_JSON_MEMBERS(d, ALIGN_JU64("a", l->align), ALIGN_JU64("p", l->padding));
    if (l->cacheline != 64)
        ALIGN_JSON_MEMBERS(d, ALIGN_JU64("l", l->cacheline));
    if (pos.file && pos.line)
        ALIGN_JSON_MEMBERS(d, ALIGN_JSTR("f", pos.file), ALIGN_JU64("fl", pos.line));
    if (l->optimal_note)
        ALIGN_JSON_MEMBERS(d, ALIGN_JSTR("e", l->optimal_note));
    if (!l->positions_valid)
        ALIGN_JSON_MEMBERS(d, ALIGN_JSTR("i", l->invalid));
    if (cost && cost->count != 1)
        align_buf_printf(d, ",\"s\":[%llu,%llu]", (unsigned long long)cost->count,
                         (unsigned long long)cost->bytes_saved);
    align_buf_puts(d, ",\"m\":[");
    for (size_t k = 0; k < l->nmembers; k++) {
        const align_member *m = &l->members[k];
        align_buf_puts(d, k ? ",[" : "[");
        align_buf_json_string(d, member_label(m));
        align_buf_puts(d, ",");
        align_buf_json_string(d, m->type_name ? m->type_name : "");
        align_buf_printf(d, ",%llu,%llu", (unsigned long long)m->offset,
                         (unsigned long long)m->size);
        if (m->flags & ALIGN_MEMBER_BITFIELD)
            align_buf_printf(d, ",%llu,%u", (unsigned long long)m->bit_offset, m->bit_size);
        align_buf_puts(d, "]");
    }
    align_buf_puts(d, "]");
    for (size_t k = 0; k < l->nholes; k++)
        align_buf_printf(d, "%s[%llu,%llu]", k ? "," : ",\"g\":[",
                         (unsigned long long)l->holes[k].offset,
                         (unsigned long long)l->holes[k].size);
    align_buf_puts(d, l->nholes ? "]" : "");
    for (size_t k = 0; k < l->nbit_holes; k++)
        align_buf_printf(d, "%s[%llu,%llu]", k ? "," : ",\"b\":[",
                         (unsigned long long)l->bit_holes[k].bit_offset,
                         (unsigned long long)l->bit_holes[k].bit_size);
    align_buf_puts(d, l->nbit_holes ? "]" : "");
    if (l->tail_padding)
        ALIGN_JSON_MEMBERS(d, ALIGN_JU64("t", l->tail_padding));
    if (l->reclaimable > 0 && l->optimal_order) {
        align_buf_printf(d, ",\"r\":%llu,\"q\":[", (unsigned long long)l->reclaimable);
        for (size_t k = 0; k < l->nmembers; k++)
            align_buf_printf(d, "%s%zu", k ? "," : "", l->optimal_order[k]);
        align_buf_puts(d, "]");
        offs = malloc(l->nmembers * sizeof *offs + 1);
        if (offs && optimal_offsets(l, offs)) {
            align_buf_puts(d, ",\"u\":[");
            for (size_t k = 0; k < l->nmembers; k++)
                align_buf_printf(d, "%s%llu", k ? "," : "", (unsigned long long)offs[k]);
            align_buf_puts(d, "]");
        }
        free(offs);
    }
    if (row->heap && join) {
        if (hc)
            align_buf_printf(d, ",\"x\":[%d,%llu,%llu,%llu]", hc->per_element ? 1 : 0,
                             (unsigned long long)hc->now.bytes,
                             (unsigned long long)hc->optimal.bytes,
                             (unsigned long long)hc->saved_total);
        align_buf_puts(d, ",\"y\":[");
        for (size_t k = 0; k < row->heap->nsites; k++) {
            align_heap_site s_v;
            align_heap_join_site(join, row->heap->sites[k], &s_v);
            const align_heap_site *s = &s_v;
            char at[48];
            align_buf t;
            align_buf_init(&t);
            align_buf_puts(&t, s->path ? s->path : s->file);
            if (s->col)
                snprintf(at, sizeof at, ":%u:%u ", s->line, s->col);
            else
                snprintf(at, sizeof at, ":%u ", s->line);
            align_buf_puts(&t, at);
            align_buf_puts(&t, s->expr ? s->expr : "");
            align_buf_puts(d, k ? "," : "");
            align_buf_json_string(d, t.failed ? "" : t.data);
            align_buf_free(&t);
        }
        align_buf_puts(d, "]");
    }
    align_buf_puts(d, "}");
}

/* Appends JSON to the page inside <script type="application/json">: every
 * '<' (only ever inside a string) as \u003c, so no "</script>" can end it
 * early. */
static void append_script_json(align_buf *out, const align_buf *d)
{
    const char *p = d->data, *end = d->data + d->len;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        size_t run = (size_t)((lt ? lt : end) - p);
        align_buf_append(out, p, run);
        p += run;
        if (lt) {
            align_buf_puts(out, "\\u003c");
            p++;
        }
    }
}

/* The layout, cost and heap cost of one row; false with the error
 * printed. */
static bool row_layout(align_layout **l, align_cost *cost, align_heap_cost *hc, bool *have_hc,
                       const audit_row *row, const align_layout_opts *lo)
{
    *have_hc = false;
    if (align_layout_compute(l, row->g, row->t, lo) < 0) {
        print_lib_error(NULL, 0);
        return false;
    }
    if (align_cost_compute(cost, *l, row->count) < 0) {
        print_lib_error(NULL, 0);
        align_layout_free(*l);
        return false;
    }
    if (row->heap) {
        if (audit_row_heap_cost(hc, *l, row) < 0) {
            print_lib_error(NULL, 0);
            align_layout_free(*l);
            return false;
        }
        *have_hc = true;
    }
    return true;
}

/* The page holds the summary, the first HTML_PAGE_ROWS table rows and
 * the first HTML_INLINE_MAPS byte maps as plain HTML (readable without
 * script), and every type as one JSON value the script pages, sorts,
 * filters and draws from: the rows a page at a time, a type's byte maps
 * only when its row is opened.  Drawing every map up front (as SVG or in
 * <template>s) made 20,000 types a 50 MiB page that took 9 s to show. */
int html_audit_render(align_buf *out, const char *binary, const align_binary_info *info,
                      const audit_rows *r, const audit_row *const *list, size_t n,
                      const align_heap_join *join, uint32_t cacheline)
{
    align_layout_opts lo = {ALIGN_LAYOUT_GIVEN, cacheline};
    align_buf maps, data;
    char title[512];
    int rc = 0;
    snprintf(title, sizeof title, "structalign audit: %s", binary);
    html_doc_begin(out, title);
    audit_summary(out, binary, info, r, join);
    audit_table_head(out, n, join != NULL);
    align_buf_init(&maps);
    align_buf_init(&data);
    align_buf_printf(&data, "{\"heap\":%d,\"inline\":%d,\"types\":[", join ? 1 : 0,
                     HTML_INLINE_MAPS);
    for (size_t i = 0; i < n; i++) {
        const audit_row *row = list[i];
        align_layout *l;
        align_cost cost;
        align_heap_cost hc;
        bool have_hc;
        if (!row_layout(&l, &cost, &hc, &have_hc, row, &lo)) {
            rc = -1;
            break;
        }
        if (i < HTML_PAGE_ROWS)
            audit_table_row(out, i, row, join != NULL, have_hc ? &hc : NULL);
        if (i < HTML_INLINE_MAPS)
            html_type_section(&maps, i, l, &cost, join, row->heap, have_hc ? &hc : NULL, false);
        if (i)
            align_buf_puts(&data, ",\n");
        type_data(&data, row, l, &cost, join, have_hc ? &hc : NULL);
        align_layout_free(l);
    }
    align_buf_puts(&data, "]}");
    if (rc == 0) {
        align_buf_puts(out, "</tbody></table>\n<h2>Byte maps</h2>\n<div id=\"maps\">\n");
        align_buf_append(out, maps.data, maps.len);
        align_buf_puts(out, "</div>\n");
        if (n > HTML_INLINE_MAPS)
            align_buf_printf(out,
                             "<p id=\"maps-more\">The byte maps of the other %zu types are "
                             "drawn when you open a type in the table.</p>\n",
                             n - HTML_INLINE_MAPS);
        align_buf_puts(out, "<script type=\"application/json\" id=\"data\">");
        append_script_json(out, &data);
        align_buf_puts(out, "</script>\n");
        if (maps.failed || data.failed)
            out->failed = true;
        html_doc_end(out);
    }
    align_buf_free(&maps);
    align_buf_free(&data);
    return rc;
}
