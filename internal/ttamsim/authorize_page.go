package ttamsim

// authorizePage holds the consent page and the problem page. Inline CSS
// keeps the simulator one binary with no assets.
const authorizePage = `{{define "style"}}<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f2ef;color:#1d1d1f}
main{max-width:34rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}
.note{font-size:.85rem;color:#555}
fieldset{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
legend{font-weight:600;padding:0 .3rem}
label{display:block;padding:.3rem 0;cursor:pointer}
.profiles{margin-left:1.6rem;font-size:.9rem;color:#444}
.problem{background:#fde8e8;border-left:4px solid #c0392b;padding:.5rem 1rem}
button{font:inherit;padding:.5rem 1.2rem;border-radius:6px;border:1px solid #333;margin-right:.5rem;cursor:pointer}
button[value=approve]{background:#2d6a4f;color:#fff;border-color:#2d6a4f}
button:focus-visible,input:focus-visible{outline:3px solid #f4a261;outline-offset:2px}
</style>{{end}}
{{define "authorize"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Authorize {{.Client}} – 23andMe API simulator</title>{{template "style"}}</head>
<body><main>
<h1>Allow <strong>{{.Client}}</strong> to access your 23andMe data?</h1>
<p class="note">This is the 23andMe API simulator. Every account here is synthetic.</p>
{{if .Problem}}<p class="problem" role="alert">{{.Problem}}</p>{{end}}
<form method="post">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}
<fieldset><legend>The app asks to</legend><ul>
{{range .Scopes}}<li>{{.}}</li>
{{end}}</ul></fieldset>
<fieldset><legend>Sign in as</legend>
{{range .Accounts}}<label><input type="radio" name="account" value="{{.ID}}"{{if .Checked}} checked{{end}}> {{.Name}} <span class="note">({{.Email}})</span></label>
{{if $.SelectProfile}}<div class="profiles" role="group" aria-label="Profiles of {{.Name}}">
{{range .Profiles}}<label><input type="radio" name="profile" value="{{.ID}}"> Share only {{.FirstName}} {{.LastName}}{{if not .Genotyped}} (results pending){{end}}</label>
{{end}}</div>{{end}}
{{end}}</fieldset>
{{if .SelectProfile}}<p class="note">Pick one profile of the account you sign in as; the app will see only that profile.</p>{{end}}
<p><button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></p>
</form>
</main></body></html>
{{end}}
{{define "problem"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Cannot continue – 23andMe API simulator</title>{{template "style"}}</head>
<body><main><h1>Cannot continue</h1><p class="problem" role="alert">{{.}}</p></main></body></html>
{{end}}
{{define "signedout"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Signed out – 23andMe API simulator</title>{{template "style"}}</head>
<body><main><h1>You are signed out</h1><p>You can close this window.</p></main></body></html>
{{end}}`
