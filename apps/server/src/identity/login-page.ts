// The stand-in's login page: plain, accessible HTML, Russian first and English second. There is
// no password — the page exists to pick an account of the generated register in training runs
// and tests, never to authenticate a real person.
import type { RegisterAccount } from './register.ts';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const SUGGESTIONS = 20;

export interface LoginPageInput {
  action: string;
  accounts: readonly RegisterAccount[];
  error?: { ru: string; en: string };
  enteredAccount?: string;
}

export function renderLoginPage({ action, accounts, error, enteredAccount }: LoginPageInput): string {
  const options = accounts
    .slice(0, SUGGESTIONS)
    .map(
      (a) =>
        `<option value="${escapeHtml(a.id)}">${escapeHtml(`${a.familyName} ${a.givenName} ${a.middleName}`)}</option>`,
    )
    .join('');
  const alert = error
    ? `<p role="alert" class="error">${escapeHtml(error.ru)} <span lang="en">/ ${escapeHtml(error.en)}</span></p>`
    : '';
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Вход — имитация ЕСИА / Sign in — identity stand-in</title>
<style>
body { font: 18px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input, button { font-size: 1.1rem; padding: 0.5rem 0.75rem; }
button { margin-top: 1rem; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.error { color: #b91c1c; font-weight: 600; }
.hint { color: #374151; }
</style>
</head>
<body>
<main>
<h1>Вход в учётную запись <span lang="en">/ Sign in</span></h1>
<p>Имитация государственной системы идентификации для тренировок и тестов: пароль не нужен.
<span lang="en">A stand-in of the state identity system for training runs and tests: no password.</span></p>
${alert}
<form method="post" action="${escapeHtml(action)}">
<label for="account">Идентификатор учётной записи <span lang="en">/ Account id</span></label>
<input id="account" name="account" required autocomplete="off" inputmode="numeric" list="accounts"
 aria-describedby="account-hint" value="${escapeHtml(enteredAccount ?? '')}">
<p id="account-hint" class="hint">Например / for example: ${escapeHtml(accounts[0]?.id ?? '1000001')}</p>
<datalist id="accounts">${options}</datalist>
<button type="submit">Войти <span lang="en">/ Sign in</span></button>
</form>
</main>
</body>
</html>
`;
}
