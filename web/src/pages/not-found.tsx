// Any path no page answers.

import { Link } from "react-router";
import { PageHeader } from "../components/page-header.js";

export default function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is no page here. <Link to="/">Go to the dashboard</Link>.
      </p>
    </>
  );
}
