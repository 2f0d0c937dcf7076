/** The side navigation of a section (Library, Infrastructure, Configuration) beside its pages. */
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';

/** One entry of a section's navigation. */
export interface SectionLink {
  to: string;
  label: string;
}

/** A section: its links on the left (on top on a narrow screen), the page beside them. */
export function SectionLayout({
  label,
  links,
  children,
}: {
  label: string;
  links: SectionLink[];
  children: ReactNode;
}) {
  return (
    <div className="section-layout">
      <nav className="section-nav" aria-label={label}>
        <ul>
          {links.map((link) => (
            <li key={link.to}>
              <NavLink to={link.to}>{link.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="section-content">{children}</div>
    </div>
  );
}
