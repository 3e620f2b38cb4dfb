// Placeholder: replaced by the staff app.
import { render } from "preact";

render(<p>Staff app</p>, document.getElementById("app")!);
