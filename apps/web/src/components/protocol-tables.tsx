// The protocol of the results (Appendix 4, P-7.9) as tables, one per region: lines 1–4 and a line
// per candidate. A region whose results the commission declared invalid (P-7.10) is marked in its
// caption and in the table, with the decision and the reason — the mark is part of what is signed.
import type { ProtocolView } from '../commission/closing-api.ts';
import { useText } from '../commission/texts.ts';
import { formatNumber } from '../format.ts';
import { useI18n } from '../i18n.tsx';

export function ProtocolTables({ protocol }: { protocol: ProtocolView['protocol'] }) {
  const { pick, lang } = useI18n();
  const ct = useText();
  return (
    <>
      {protocol.regions.map((r) => (
        <div
          key={r.region}
          className={r.invalidated ? 'table-wrap protocol-region invalidated' : 'table-wrap protocol-region'}
          data-region={r.region}
        >
          {r.invalidated && (
            <p className="invalid-mark" id={`invalid-${r.region}`}>
              {ct('protocol.invalidated', { decision: r.invalidated.decision, reason: r.invalidated.reason })}
            </p>
          )}
          <table aria-describedby={r.invalidated ? `invalid-${r.region}` : undefined}>
            <caption>
              {ct('protocol.caption', { region: r.region })}
              {r.invalidated ? ` — ${ct('protocol.invalidMark')}` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col" className="number">
                  {ct('protocol.line')}
                </th>
                <th scope="col">{ct('protocol.lineName')}</th>
                <th scope="col" className="number">
                  {ct('protocol.value')}
                </th>
              </tr>
            </thead>
            <tbody>
              {r.lines.map((l) => (
                <tr key={l.line}>
                  <td className="number">{l.line}</td>
                  <th scope="row">{l.candidate ? l.candidate.name : pick(l.label)}</th>
                  <td className="number">{formatNumber(l.value, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}
