import Foundation
import Mustache
import TongHop

/// The pages, as Mustache templates (swift-mustache escapes every `{{value}}` for HTML;
/// only the rendered page body and the chart, both ours, go through `{{{ }}}`). They are
/// compiled into the binary so `tonghop serve` needs no files beside it. No JavaScript:
/// every action is a link or a form; tables scroll sideways on a phone.
enum Pages {
    static let library: MustacheLibrary = {
        var lib = MustacheLibrary()
        for (name, text) in templates {
            do { try lib.register(text, named: name) } catch { fatalError("page template \(name): \(error)") }
        }
        return lib
    }()

    static func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }

    static let style = """
    *{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;background:#f6f6f4}
    header{background:#7a1d1d;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center}
    header a,header button{color:#fff}header .brand{font-weight:700;margin-right:auto}
    header form{display:inline;margin:0}header button{background:none;border:1px solid #fff;border-radius:4px;padding:.2rem .6rem;font:inherit;cursor:pointer}
    main{max-width:72rem;margin:0 auto;padding:1rem}h1{font-size:1.35rem;margin:.4rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .6rem}
    .card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem;margin:0 0 1rem}
    .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}table{border-collapse:collapse;width:100%;background:#fff}
    th,td{border:1px solid #d5d5d5;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f0ece4}td.n{text-align:right;white-space:nowrap}
    .ok{color:#126b2f;font-weight:600}.bad{color:#a10f0f;font-weight:600}.warn{color:#8a5a00;font-weight:600}.muted{color:#666}
    .pill{display:inline-block;border-radius:999px;padding:.05rem .55rem;font-size:.85rem;background:#eee}
    .pill.ok{background:#e3f4e8}.pill.bad{background:#fbe4e4}.pill.warn{background:#fff2d6}
    label{display:block;margin:.5rem 0 .2rem;font-weight:600}input[type=text],input[type=password],textarea,select{width:100%;max-width:26rem;padding:.5rem;font:inherit;border:1px solid #aaa;border-radius:4px}
    input[type=file]{font:inherit;max-width:100%}button.primary,a.button{display:inline-block;background:#7a1d1d;color:#fff;border:0;border-radius:4px;padding:.55rem 1rem;font:inherit;text-decoration:none;cursor:pointer;margin:.4rem .4rem .4rem 0}
    a.button.secondary{background:#555}.flash{background:#fff2d6;border:1px solid #e0c27a;padding:.6rem 1rem;border-radius:6px;margin-bottom:1rem}
    .findings li{margin:.15rem 0}.cell{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f0f0f0;padding:0 .25rem;border-radius:3px}
    details summary{cursor:pointer;font-weight:600}ul{padding-left:1.2rem}ol.steps{list-style:none;padding:0}
    td.fname{overflow-wrap:anywhere;word-break:break-word;max-width:16rem}button[disabled]{opacity:.6;cursor:wait}
    @media (max-width:40rem){main{padding:.6rem}th,td{padding:.3rem}h1{font-size:1.2rem}}
    """

    static let templates: [String: String] = [
        "layout": """
        <!doctype html>
        <html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} — {{t.app}}</title><style>{{{style}}}</style></head>
        <body><header><span class="brand">{{t.app}}</span>
        {{#account}}<span>{{name}}{{#unitName}} — {{unitName}}{{/unitName}}</span>
        {{#isUnit}}<a href="/unit">{{t.myReports}}</a>{{/isUnit}}{{#isProvince}}<a href="/province">{{t.statusNav}}</a><a href="/province/accounts">{{t.accountsNav}}</a><a href="/province/audit">{{t.auditNav}}</a>{{/isProvince}}<a href="/account/password">{{t.changePassword}}</a>
        <form method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.logout}}</button></form>{{/account}}
        <a href="/lang?to={{otherLang}}&amp;back={{path}}" lang="{{otherLang}}">{{otherLangLabel}}</a></header>
        <main>{{#flash}}<div class="flash" role="status">{{flash}}</div>{{/flash}}{{{body}}}</main><script src="/static/page.js" defer></script></body></html>
        """,
        "login": """
        <h1>{{t.loginTitle}}</h1><div class="card"><form method="post" action="/login">
        <input type="hidden" name="csrf" value="{{loginToken}}">
        <label for="name">{{t.account}}</label><input type="text" id="name" name="name" autocomplete="username" autocapitalize="none" required value="{{name}}">
        <label for="password">{{t.password}}</label><input type="password" id="password" name="password" autocomplete="current-password" required>
        <p><button class="primary" type="submit" id="login">{{t.login}}</button></p></form></div>
        """,
        "password": """
        <h1>{{t.changePassword}}</h1><div class="card"><form method="post" action="/account/password">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="current">{{t.currentPassword}}</label><input type="password" id="current" name="current" autocomplete="current-password" required>
        <label for="new">{{t.newPassword}}</label><input type="password" id="new" name="new" autocomplete="new-password" minlength="8" required>
        <label for="again">{{t.againPassword}}</label><input type="password" id="again" name="again" autocomplete="new-password" minlength="8" required>
        <p><button class="primary" type="submit" id="change">{{t.changePassword}}</button></p></form></div>
        """,
        "message": """
        <h1>{{heading}}</h1><div class="card"><p>{{text}}</p>{{#back}}<p><a class="button" href="{{back}}">{{t.back}}</a></p>{{/back}}</div>
        """,
        "unit": """
        <h1>{{unitTitle}}</h1>
        {{#hasQuestions}}<div class="card" id="questions"><h2 class="warn">{{t.questionsHeading}}</h2><p class="muted">{{t.questionsHelp}}</p>
        {{#questions}}<form method="post" action="/unit/answer"><p><strong>{{periodLabel}} · {{indicator}} {{name}} · {{column}} = {{value}}</strong><br>{{t.askedBy}} {{asked}}: «{{question}}»</p>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="period" value="{{period}}"><input type="hidden" name="indicator" value="{{indicator}}"><input type="hidden" name="column" value="{{columnKey}}">
        <label for="answer-{{period}}-{{indicator}}-{{columnKey}}">{{t.answerLabel}}</label><textarea id="answer-{{period}}-{{indicator}}-{{columnKey}}" name="note" rows="2" required maxlength="2000"></textarea>
        <p><button class="primary" type="submit">{{t.answerButton}}</button></p></form>{{/questions}}</div>{{/hasQuestions}}
        <ol class="steps">
        <li class="card"><h2>1. {{t.step1}}</h2><div class="scroll"><table><thead><tr><th>{{t.period}}</th><th>{{t.deadline}}</th><th>{{t.statusCol}}</th><th>{{t.formCol}}</th></tr></thead><tbody>
        {{#periods}}<tr><td>{{label}}</td><td>{{deadline}}{{#daysLeft}}<br><span class="{{daysCls}}">{{daysLeft}}</span>{{/daysLeft}}</td><td><span class="pill {{cls}}">{{state}}</span>{{#detail}}<br><span class="muted">{{detail}}</span>{{/detail}}{{#returned}}<br><span class="bad returned">{{returned}}</span>{{/returned}}{{#todo}}<br><span>{{todo}}</span>{{/todo}}</td>
        <td>{{#canForm}}<a href="/unit/form?period={{key}}">{{t.downloadForm}}</a>{{/canForm}}</td></tr>{{/periods}}
        </tbody></table></div>{{^periods}}<p class="muted">{{t.noPeriods}}</p>{{/periods}}</li>
        <li class="card"><h2>2. {{t.step2}}</h2><p class="muted">{{t.uploadHelp}}</p>
        <form method="post" action="/unit/upload" enctype="multipart/form-data" data-progress><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="file">{{t.fileLabel}}</label><input type="file" id="file" name="file" required accept=".xlsx,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,text/csv">
        <p><button class="primary" type="submit" id="upload">{{t.check}}</button> <progress hidden max="100" value="0"></progress> <span class="muted" role="status" aria-live="polite"></span></p></form></li>
        <li class="card"><h2>3. {{t.step3}}</h2><p class="muted">{{t.step3Help}}</p></li>
        </ol>
        <h2>{{t.uploadsHeading}}</h2>{{^uploads}}<p class="muted">{{t.noUploads}}</p>{{/uploads}}{{#hasUploads}}<div class="scroll"><table><thead><tr><th>{{t.time}}</th><th>{{t.file}}</th><th>{{t.period}}</th><th>{{t.result}}</th><th></th></tr></thead><tbody>
        {{#uploads}}<tr><td>{{time}}</td><td class="fname">{{file}}</td><td>{{period}}</td><td><span class="pill {{cls}}">{{result}}</span></td><td><a href="/unit/upload/{{id}}">{{t.view}}</a></td></tr>{{/uploads}}
        </tbody></table></div>{{/hasUploads}}
        <h2>{{t.historyHeading}}</h2>{{^history}}<p class="muted">{{t.noHistory}}</p>{{/history}}{{#hasHistory}}<div class="scroll"><table><thead><tr><th>{{t.period}}</th><th>{{t.revision}}</th><th>{{t.time}}</th><th>{{t.file}}</th><th>{{t.statusCol}}</th></tr></thead><tbody>
        {{#history}}<tr><td>{{period}}</td><td class="n">{{revision}}</td><td>{{time}}</td><td class="fname">{{file}}</td><td>{{state}}{{#returned}}<br><span class="bad">{{returned}}</span>{{/returned}}</td></tr>{{/history}}
        </tbody></table></div>{{/hasHistory}}
        """,
        "report": """
        <h1>{{t.reportHeading}}: {{file}}</h1>
        <div class="card"><p>{{who}}</p><p class="{{verdictClass}}" id="verdict">{{verdict}}</p><p>{{counts}}</p>
        {{#submitted}}<p class="ok">{{submitted}}</p>{{/submitted}}{{#receipt}}<p>{{t.receipt}}: <strong id="receipt">{{receipt}}</strong></p>{{/receipt}}
        {{#canSubmit}}<form method="post" action="/unit/upload/{{id}}/submit" data-once><input type="hidden" name="csrf" value="{{csrf}}"><button class="primary" type="submit" id="submit">{{t.submit}}</button></form>{{/canSubmit}}
        {{#blocked}}<p class="muted">{{blocked}}</p>{{/blocked}}
        {{#annotated}}<a class="button secondary" href="/unit/upload/{{id}}/annotated" id="annotated">{{t.downloadAnnotated}}</a>{{/annotated}}
        <a class="button secondary" href="/unit">{{t.back}}</a></div>
        {{#hasStored}}<h2>{{t.storedHeading}}</h2><p class="muted">{{t.storedHelp}}</p><div class="scroll"><table id="stored"><thead><tr><th>{{t.codeCol}}</th><th>{{t.indicatorCol}}</th><th>{{t.columnCol}}</th><th>{{t.storedCol}}</th><th>{{t.unitOfMeasure}}</th><th>{{t.cellCol}}</th><th>{{t.writtenCol}}</th></tr></thead><tbody>
        {{#stored}}<tr><td>{{code}}</td><td>{{name}}</td><td>{{column}}</td><td class="n">{{value}}</td><td>{{measure}}</td><td>{{cell}}</td><td>{{written}}</td></tr>{{/stored}}</tbody></table></div>{{/hasStored}}
        {{#severities}}<h2 class="{{cls}}">{{label}} ({{count}})</h2>{{#groups}}<div class="card"><details {{#open}}open{{/open}}><summary>{{title}} ({{count}})</summary><ul class="findings">
        {{#items}}<li>{{#place}}<span class="cell">{{place}}</span> {{/place}}{{message}}</li>{{/items}}</ul></details></div>{{/groups}}{{/severities}}
        """,
        "province": """
        <h1>{{heading}}</h1>
        <div class="card"><p>{{t.downloads}}:</p>{{#periods}}<p><strong>{{label}}</strong>: <a href="/province/summary?period={{key}}&amp;format=xlsx" id="summary-{{key}}">{{t.summaryXlsx}}</a> · <a href="/province/summary?period={{key}}&amp;format=csv">CSV</a> · <a href="/province/summary?period={{key}}&amp;format=json">JSON</a> · {{t.exchange}}: <a href="/province/summary?period={{key}}&amp;format=sdmx-csv" id="sdmx-{{key}}">SDMX-CSV</a> (<a href="/province/summary?period={{key}}&amp;format=sdmx-structure">{{t.structure}}</a>) · <a href="/province/summary?period={{key}}&amp;format=dhis2-json">DHIS2</a> · <a href="/province/summary?period={{key}}&amp;format=px">PX</a> · <a href="/province/scorecard?period={{key}}">{{t.scorecard}}</a> · <a href="/province/findings?period={{key}}">{{t.findingsNav}}</a> · <a href="/province/anomalies?period={{key}}">{{t.anomaliesNav}}</a>{{#deadline}} · {{t.deadline}} {{deadline}}{{/deadline}} · {{received}}</p>{{/periods}}</div>
        <div class="scroll"><table id="status"><thead><tr><th>{{t.unitCol}}</th>{{#periods}}<th>{{label}}</th>{{/periods}}</tr></thead><tbody>
        {{#rows}}<tr><td>{{name}}</td>{{#cells}}<td>{{#expected}}<a href="/province/unit/{{code}}?period={{key}}"><span class="pill {{cls}}">{{state}}</span></a>{{#detail}}<br><span class="muted">{{detail}}</span>{{/detail}}{{/expected}}{{^expected}}<span class="muted">—</span>{{/expected}}</td>{{/cells}}</tr>{{/rows}}
        </tbody></table></div>
        """,
        "anomalies": """
        <h1>{{heading}}</h1><p><a href="/province">{{t.back}}</a></p><p>{{summary}}</p><p class="muted">{{t.anomaliesHelp}}</p>
        {{^hasRows}}<p class="muted">{{t.noAnomalies}}</p>{{/hasRows}}
        {{#rows}}<div class="card" id="{{anchor}}"><p><span class="pill {{cls}}">{{state}}</span> <strong>{{unitName}} ({{unit}}) · {{indicator}} {{indicatorName}} · {{column}} = {{value}}</strong></p>
        <p>{{method}}: {{reason}}<br><span class="muted">{{t.expectedRange}}: {{expected}}</span></p>
        {{#steps}}<p class="muted">{{text}}</p>{{/steps}}
        <form method="post" action="/province/anomalies/mark"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="period" value="{{period}}">
        <input type="hidden" name="unit" value="{{unit}}"><input type="hidden" name="indicator" value="{{indicator}}"><input type="hidden" name="column" value="{{column}}">
        <label for="state-{{anchor}}">{{t.stepLabel}}</label><select id="state-{{anchor}}" name="state"><option value="asked">{{t.stateAsked}}</option><option value="confirmed">{{t.stateConfirmed}}</option><option value="corrected">{{t.stateCorrected}}</option></select>
        <label for="note-{{anchor}}">{{t.noteLabel}}</label><textarea id="note-{{anchor}}" name="note" rows="2" required maxlength="2000"></textarea>
        <p><button class="primary" type="submit">{{t.record}}</button></p></form></div>{{/rows}}
        """,
        "findings": """
        <h1>{{heading}}</h1><p><a href="/province">{{t.back}}</a></p>
        {{^rows}}<p class="muted">{{t.noFindings}}</p>{{/rows}}{{#hasRows}}<div class="scroll"><table><thead><tr><th>{{t.unitCol}}</th><th>{{t.file}}</th><th>{{t.codeCol}}</th><th>{{t.cellCol}}</th><th>{{t.messageCol}}</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{unit}}</td><td>{{file}}</td><td><span class="pill {{cls}}">{{code}}</span></td><td>{{cell}}</td><td>{{message}}</td></tr>{{/rows}}
        </tbody></table></div>{{/hasRows}}
        """,
        "unitDetail": """
        <h1>{{heading}}</h1><p><a href="/province">{{t.back}}</a></p>
        <div class="card"><p><span class="pill {{cls}}">{{state}}</span> {{detail}}</p>
        {{#returned}}<p class="bad">{{returned}}</p>{{/returned}}
        {{#submissionID}}<form method="post" action="/province/return"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="submission" value="{{submissionID}}">
        <label for="comment">{{t.returnLabel}}</label><textarea id="comment" name="comment" rows="3" required maxlength="2000"></textarea>
        <p><button class="primary" type="submit" id="return">{{t.returnButton}}</button></p></form>{{/submissionID}}</div>
        {{#hasValues}}<h2>{{t.valuesHeading}}</h2><div class="scroll"><table><thead><tr><th>{{t.codeCol}}</th><th>{{t.indicatorCol}}</th><th>{{t.unitOfMeasure}}</th>{{#columns}}<th>{{.}}</th>{{/columns}}</tr></thead><tbody>
        {{#values}}<tr><td>{{code}}</td><td>{{name}}</td><td>{{measure}}</td>{{#cells}}<td class="n" title="{{where}}">{{text}}</td>{{/cells}}</tr>{{/values}}</tbody></table></div>{{/hasValues}}
        <h2>{{t.historyHeading}}</h2>{{^history}}<p class="muted">{{t.noHistory}}</p>{{/history}}{{#hasHistory}}<div class="scroll"><table><thead><tr><th>{{t.revision}}</th><th>{{t.time}}</th><th>{{t.file}}</th><th>{{t.statusCol}}</th></tr></thead><tbody>
        {{#history}}<tr><td class="n">{{revision}}</td><td>{{time}}</td><td>{{file}}</td><td>{{state}}{{#returned}}<br><span class="bad">{{returned}}</span>{{/returned}}</td></tr>{{/history}}</tbody></table></div>{{/hasHistory}}
        """,
        "scorecard": """
        <h1>{{heading}}</h1><p><a href="/province">{{t.back}}</a></p><div class="card"><p>{{province}}</p>{{{chart}}}</div>
        <div class="scroll"><table><thead><tr><th>{{t.rank}}</th><th>{{t.unitCol}}</th><th>{{t.result}}</th><th>{{t.lagging}}</th></tr></thead><tbody>
        {{#rows}}<tr><td class="n">{{rank}}</td><td>{{name}}</td><td>{{headline}}</td><td>{{lagging}}</td></tr>{{/rows}}</tbody></table></div>
        {{#yearEnd}}<h2 id="year-end">{{heading}}</h2><p class="muted">{{method}}</p><p><strong>{{province}}</strong></p>
        {{#hasProvince}}<div class="scroll"><table><thead><tr><th>{{t.indicatorCol}}</th><th>{{t.unitOfMeasure}}</th><th>{{months}}</th><th>{{t.yearEstimate}}</th><th>{{t.estimateRange}}</th><th>{{t.plan}}</th><th>{{t.onTrackCall}}</th></tr></thead><tbody>
        {{#lines}}<tr><td>{{name}}</td><td>{{measure}}</td><td class="n">{{cumulative}}</td><td class="n">{{estimate}}</td><td class="n">{{range}}</td><td class="n">{{plan}}</td><td class="{{callClass}}">{{call}}</td></tr>{{/lines}}</tbody></table></div>{{/hasProvince}}
        <div class="scroll"><table><thead><tr><th>{{t.unitCol}}</th><th>{{t.onTrack}}</th><th>{{t.atRisk}}</th><th>{{t.unlikely}}</th><th>{{t.notOnTrack}}</th></tr></thead><tbody>
        {{#units}}<tr><td>{{name}}</td><td class="n">{{on}}</td><td class="n">{{risk}}</td><td class="n">{{unlikely}}</td><td>{{list}}</td></tr>{{/units}}</tbody></table></div>{{/yearEnd}}
        """,
        "audit": """
        <h1>{{t.auditNav}}</h1><form method="get" action="/province/audit" class="card"><label for="account">{{t.account}}</label><input type="text" id="account" name="account" value="{{account}}">
        <label for="action">{{t.action}}</label><select id="action" name="action"><option value="">{{t.allActions}}</option>{{#actions}}<option value="{{key}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/actions}}</select>
        <p><button class="primary" type="submit">{{t.filter}}</button></p></form>
        <p>{{pageInfo}} {{#prev}}<a href="{{prev}}" id="prev">{{t.prevPage}}</a>{{/prev}} {{#next}}<a href="{{next}}" id="next">{{t.nextPage}}</a>{{/next}}</p>
        <div class="scroll"><table><thead><tr><th>{{t.time}}</th><th>{{t.account}}</th><th>{{t.action}}</th><th>{{t.detail}}</th><th>{{t.from}}</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{at}}</td><td>{{account}}</td><td>{{action}}</td><td>{{detail}}</td><td>{{remote}}</td></tr>{{/rows}}</tbody></table></div>
        """,
        "accounts": """
        <h1>{{t.accountsNav}}</h1>
        {{#resetName}}<div class="card"><p>{{t.newPasswordFor}} <strong>{{resetName}}</strong>: <code id="new-password">{{resetPassword}}</code></p><p class="muted">{{t.newPasswordOnce}}</p></div>{{/resetName}}
        <div class="scroll"><table><thead><tr><th>{{t.account}}</th><th>{{t.unitCol}}</th><th>{{t.statusCol}}</th><th></th></tr></thead><tbody>
        {{#rows}}<tr><td>{{name}}</td><td>{{unit}}</td><td>{{state}}</td><td><form method="post" action="/province/accounts/reset" data-once><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="name" value="{{name}}"><button type="submit" class="primary">{{t.resetPassword}}</button></form></td></tr>{{/rows}}
        </tbody></table></div>
        """,
    ]

    /// /static/page.js: a form marked data-once disables its button when sent; the upload
    /// form (data-progress) is sent by XMLHttpRequest to show the bytes sent, then the
    /// browser goes where the server answered (the report, or the error page).
    static let script = #"""
    "use strict";
    document.querySelectorAll("form[data-once], form[data-progress]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        var button = form.querySelector("button[type=submit]");
        if (form.dataset.sent) { ev.preventDefault(); return; }
        form.dataset.sent = "1";
        if (button) { button.disabled = true; }
        if (!form.hasAttribute("data-progress") || !window.XMLHttpRequest || !window.FormData) { return; }
        ev.preventDefault();
        var bar = form.querySelector("progress"), note = form.querySelector("[role=status]");
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.upload.addEventListener("progress", function (e) {
          if (!e.lengthComputable) { return; }
          var pct = Math.round(100 * e.loaded / e.total);
          if (bar) { bar.hidden = false; bar.value = pct; }
          if (note) { note.textContent = pct + "%"; }
        });
        xhr.addEventListener("load", function () {
          if (xhr.status < 300 && xhr.responseURL) { window.location.assign(xhr.responseURL); return; }
          document.open(); document.write(xhr.responseText); document.close();
        });
        xhr.addEventListener("error", function () {
          form.dataset.sent = ""; if (button) { button.disabled = false; }
          if (note) { note.textContent = document.documentElement.lang === "en" ? "Not sent: check the connection and try again." : "Chưa gửi được: kiểm tra kết nối rồi thử lại."; }
        });
        xhr.send(new FormData(form));
      });
    });
    """#

    /// The pages' words, in Vietnamese and English.
    static let words: [String: (String, String)] = [
        "app": ("Tổng hợp báo cáo kinh tế - xã hội", "Socio-economic report consolidation"),
        "logout": ("Đăng xuất", "Log out"),
        "myReports": ("Báo cáo của đơn vị", "Our reports"),
        "statusNav": ("Tình hình nộp", "Submission status"),
        "auditNav": ("Nhật ký", "Audit log"),
        "loginTitle": ("Đăng nhập", "Log in"),
        "account": ("Tài khoản", "Account"),
        "password": ("Mật khẩu", "Password"),
        "login": ("Đăng nhập", "Log in"),
        "back": ("Quay lại", "Back"),
        "uploadHeading": ("Gửi biểu để kiểm tra", "Upload a form to check"),
        "uploadHelp": ("Chọn tệp biểu đã điền (Excel .xlsx, .xls hoặc .csv). Trang sẽ kiểm tra và liệt kê mọi lỗi theo ô; chỉ khi không còn lỗi mới nộp được.",
                       "Choose the filled form (Excel .xlsx, .xls or .csv). The page checks it and lists every problem by cell; it can be submitted once there are no errors."),
        "fileLabel": ("Tệp biểu", "Form file"),
        "check": ("Kiểm tra", "Check"),
        "periodsHeading": ("Các kỳ báo cáo", "Reporting periods"),
        "period": ("Kỳ", "Period"),
        "deadline": ("Hạn nộp", "Deadline"),
        "statusCol": ("Tình trạng", "Status"),
        "formCol": ("Biểu mẫu", "Form"),
        "downloadForm": ("Tải biểu mẫu", "Download the form"),
        "uploadsHeading": ("Các tệp đã gửi kiểm tra", "Files uploaded"),
        "noUploads": ("Chưa gửi tệp nào.", "No file uploaded yet."),
        "time": ("Thời gian", "Time"),
        "file": ("Tệp", "File"),
        "result": ("Kết quả", "Result"),
        "view": ("Xem", "View"),
        "historyHeading": ("Các lần nộp", "Submissions"),
        "noHistory": ("Chưa có lần nộp nào.", "Nothing submitted yet."),
        "revision": ("Lần", "Revision"),
        "reportHeading": ("Kết quả kiểm tra", "Check results"),
        "submit": ("Nộp báo cáo", "Submit the report"),
        "downloadAnnotated": ("Tải bản đánh dấu lỗi", "Download the marked copy"),
        "downloads": ("Tải về", "Downloads"),
        "summaryXlsx": ("Biểu tổng hợp (Excel)", "Summary workbook (Excel)"),
        "exchange": ("Gửi cấp trên", "For the level above"),
        "structure": ("cấu trúc", "structure"),
        "scorecard": ("Chấm điểm", "Scorecard"),
        "findingsNav": ("Kết quả kiểm tra", "Findings"),
        "anomaliesNav": ("Số liệu bất thường", "Anomalies"),
        "anomaliesHelp": ("Mỗi giá trị so với các đơn vị cùng cấp, với các kỳ trước và giữa các cột của báo cáo. Ghi một bước cho từng giá trị: hỏi đơn vị (đơn vị thấy câu hỏi trên trang của mình), xác nhận đúng (kèm lý do) hoặc đã sửa. Bước theo dõi gắn với giá trị: đơn vị nộp lại số khác thì bước cũ không còn áp dụng.",
                          "Each value is compared with the units of its level, with earlier periods and between the report's columns. Record a step for each: ask the unit (it sees the question on its page), confirm it correct (with the reason), or corrected. A step belongs to the value: a new figure from the unit leaves it behind."),
        "noAnomalies": ("Không thấy giá trị bất thường.", "No anomalies found."),
        "expectedRange": ("Khoảng thường gặp", "Expected range"),
        "stepLabel": ("Việc", "Step"),
        "stateAsked": ("Hỏi đơn vị", "Ask the unit"),
        "stateConfirmed": ("Xác nhận đúng", "Confirm correct"),
        "stateCorrected": ("Đã sửa", "Corrected"),
        "noteLabel": ("Câu hỏi hoặc lý do", "Question or reason"),
        "record": ("Ghi", "Record"),
        "questionsHeading": ("Tỉnh hỏi về số liệu", "The province asks about figures"),
        "questionsHelp": ("Trả lời ở đây nếu số liệu đúng; nếu sai, sửa tệp và nộp lại (bước 2 và 3).", "Answer here if the figure is right; if it is wrong, correct the file and submit it again (steps 2 and 3)."),
        "askedBy": ("Câu hỏi của", "Asked by"),
        "answerLabel": ("Trả lời", "Answer"),
        "answerButton": ("Gửi trả lời", "Send the answer"),
        "unitCol": ("Đơn vị", "Unit"),
        "noFindings": ("Không có cảnh báo nào.", "No findings."),
        "codeCol": ("Mã", "Code"),
        "cellCol": ("Ô", "Cell"),
        "messageCol": ("Nội dung", "Message"),
        "indicatorCol": ("Chỉ tiêu", "Indicator"),
        "returnLabel": ("Trả lại báo cáo cho đơn vị, kèm ý kiến", "Return the report to the unit, with a comment"),
        "returnButton": ("Trả lại", "Return"),
        "valuesHeading": ("Số liệu đã nộp", "Figures submitted"),
        "storedHeading": ("Số liệu sẽ lưu", "Figures as they will be stored"),
        "storedHelp": ("Đây là số liệu tỉnh sẽ nhận, theo đơn vị tính của biểu. Hãy so với số trong tệp của mình trước khi nộp; cột cuối là chữ ghi trong ô khi khác số sẽ lưu.",
                       "These are the figures the province will receive, in the form's units. Compare them with your file before submitting; the last column is the cell's own text where it differs."),
        "columnCol": ("Cột", "Column"),
        "storedCol": ("Số sẽ lưu", "Stored"),
        "writtenCol": ("Ô ghi", "Cell says"),
        "unitOfMeasure": ("ĐVT", "Unit"),
        "step1": ("Tải biểu mẫu", "Download the form"),
        "step2": ("Kiểm tra: gửi tệp đã điền", "Check: upload the filled file"),
        "step3": ("Nộp", "Submit"),
        "step3Help": ("Khi tệp không còn lỗi, trang kết quả kiểm tra có nút \"Nộp báo cáo\"; sau khi nộp, trang cho số biên nhận.",
                      "Once the file has no errors, its check results page has a \"Submit the report\" button; after submitting, the page gives a receipt number."),
        "noPeriods": ("Không có kỳ nào đơn vị phải báo cáo.", "No period this unit reports for."),
        "receipt": ("Số biên nhận", "Receipt number"),
        "allActions": ("Mọi việc", "Every action"),
        "filter": ("Lọc", "Filter"),
        "prevPage": ("← Trang trước", "← Previous"),
        "nextPage": ("Trang sau →", "Next →"),
        "accountsNav": ("Tài khoản đơn vị", "Unit accounts"),
        "resetPassword": ("Đặt lại mật khẩu", "Reset the password"),
        "newPasswordFor": ("Mật khẩu mới của", "New password of"),
        "newPasswordOnce": ("Mật khẩu chỉ hiện một lần: hãy chuyển cho cán bộ đơn vị qua kênh tin cậy và nhắc đổi mật khẩu sau khi đăng nhập.",
                            "Shown once only: hand it to the unit's officer over a trusted channel and ask them to change it after logging in."),
        "uploading": ("Đang gửi…", "Uploading…"),
        "rank": ("Hạng", "Rank"),
        "yearEstimate": ("Ước cả năm", "Year estimate"),
        "estimateRange": ("Khoảng ước", "Range"),
        "plan": ("Kế hoạch", "Plan"),
        "onTrackCall": ("Khả năng đạt kế hoạch", "On-track call"),
        "onTrack": ("Dự kiến đạt", "On track"),
        "atRisk": ("Có nguy cơ không đạt", "At risk"),
        "unlikely": ("Khó đạt", "Unlikely"),
        "notOnTrack": ("Chỉ tiêu chưa chắc đạt (ước cả năm / kế hoạch)", "Indicators not on track (year estimate / plan)"),
        "lagging": ("Chưa đạt", "Not met"),
        "action": ("Việc", "Action"),
        "detail": ("Chi tiết", "Detail"),
        "from": ("Từ", "From"),
        "changePassword": ("Đổi mật khẩu", "Change password"),
        "currentPassword": ("Mật khẩu hiện tại", "Current password"),
        "newPassword": ("Mật khẩu mới (ít nhất 8 ký tự)", "New password (at least 8 characters)"),
        "againPassword": ("Nhập lại mật khẩu mới", "New password again"),
    ]

    static func t(_ lang: Language) -> [String: String] {
        words.mapValues { lang == .vi ? $0.0 : $0.1 }
    }

    /// A scorecard chart as inline SVG: one bar per unit, the share of indicators met.
    static func chart(_ rows: [(name: String, share: Double, label: String)]) -> String {
        let barH = 22, gap = 6, left = 220, width = 640
        let h = rows.count * (barH + gap) + 10
        var s = "<svg role=\"img\" viewBox=\"0 0 \(width) \(h)\" width=\"100%\" style=\"max-width:\(width)px\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (i, r) in rows.enumerated() {
            let y = i * (barH + gap) + 5
            let w = Int((Double(width - left - 60) * max(0, min(1, r.share))).rounded())
            s += "<text x=\"\(left - 6)\" y=\"\(y + 16)\" text-anchor=\"end\" font-size=\"13\">\(PackageAnnotator.xmlEscape(r.name))</text>"
            s += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(w)\" height=\"\(barH)\" fill=\"#7a1d1d\"/>"
            s += "<text x=\"\(left + w + 6)\" y=\"\(y + 16)\" font-size=\"13\">\(PackageAnnotator.xmlEscape(r.label))</text>"
        }
        return s + "</svg>"
    }
}
