// Who has signed a closing document, who has not yet, and the recorded reason of a member who
// could not (P-7.3, P-7.9).
import { formatDateTime, MOSCOW } from '../format.ts';
import type { SignOff } from './closing-api.ts';
import { useText } from './texts.ts';

export function SignOffs({
  expected,
  signOffs,
}: {
  expected: readonly string[];
  signOffs: readonly SignOff[];
}) {
  const ct = useText();
  return (
    <div className="table-wrap">
      <table className="sign-offs">
        <caption>{ct('signOffs.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{ct('signOffs.member')}</th>
            <th scope="col">{ct('signOffs.state')}</th>
            <th scope="col">{ct('signOffs.at')}</th>
          </tr>
        </thead>
        <tbody>
          {expected.map((memberId) => {
            const s = signOffs.find((x) => x.memberId === memberId);
            return (
              <tr key={memberId} data-member={memberId}>
                <th scope="row">{memberId}</th>
                <td>
                  {s === undefined
                    ? ct('signOffs.waiting')
                    : s.signed
                      ? ct('signOffs.signed', { fingerprint: s.fingerprint?.slice(0, 16) ?? '' })
                      : ct('signOffs.reason', { reason: s.reason ?? '' })}
                </td>
                <td>{s ? formatDateTime(s.recordedAt, MOSCOW) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
