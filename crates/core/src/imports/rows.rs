//! Turning a mapped row of text into the input of a contact, company or deal, with the same
//! validation as the API and the forms.

use crate::crm::companies::write::CompanyFields;
use crate::crm::contacts::write::ContactFields;
use crate::crm::deals::write::{DEFAULT_CURRENCY, DealFields};
use kite_shared::FieldError;
use kite_shared::crm::Money;
use kite_shared::crm::companies::CompanyInput;
use kite_shared::crm::contacts::{ContactInput, LifecycleStage};
use kite_shared::crm::deals::DealInput;
use kite_shared::imports::ImportEntity;
use std::collections::HashMap;
use uuid::Uuid;

/// Which column each field reads, by position.
pub struct Mapping {
    columns: HashMap<&'static str, usize>,
}

impl Mapping {
    /// From column name → field key; unknown fields are refused by the caller first.
    pub fn new(entity: ImportEntity, headers: &[String], by_name: &std::collections::BTreeMap<String, String>) -> Self {
        let mut columns = HashMap::new();
        for field in entity.fields() {
            if let Some(index) = by_name
                .iter()
                .filter(|(_, key)| key.as_str() == field.key)
                .find_map(|(column, _)| headers.iter().position(|h| h == column))
            {
                columns.insert(field.key, index);
            }
        }
        Self { columns }
    }

    pub fn has(&self, field: &str) -> bool {
        self.columns.contains_key(field)
    }

    /// The trimmed, non-empty text of `field` in `cells`.
    pub fn get<'c>(&self, cells: &'c [String], field: &str) -> Option<&'c str> {
        let index = *self.columns.get(field)?;
        cells
            .get(index)
            .map(|c| crate::exports::unescape_cell(c.trim()))
            .filter(|c| !c.is_empty())
    }

    fn list(&self, cells: &[String], field: &str) -> Vec<String> {
        self.get(cells, field)
            .map(|raw| {
                raw.split([',', ';'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Why a row cannot be imported: the field and a message.
pub type RowFailure = (String, String);

fn fail(field: &str, message: impl Into<String>) -> RowFailure {
    (field.to_owned(), message.into())
}

/// A row checked by the rules the API applies, ready for its kind's write path.
pub struct Prepared<F> {
    /// The Kite id the row names, to update that record.
    pub id: Option<Uuid>,
    pub fields: F,
    /// Added to the tags the record has.
    pub tags: Option<Vec<String>>,
    /// A company named in the row (contacts, deals), found or created by name.
    pub company: Option<String>,
}

fn parse_id(mapping: &Mapping, cells: &[String]) -> Result<Option<Uuid>, RowFailure> {
    mapping
        .get(cells, "id")
        .map(|raw| raw.parse::<Uuid>().map_err(|_| fail("id", "Not a Kite id.")))
        .transpose()
}

fn owner(
    mapping: &Mapping,
    cells: &[String],
    users: &HashMap<String, Uuid>,
) -> Result<Option<kite_shared::UserId>, RowFailure> {
    match mapping.get(cells, "owner") {
        None => Ok(None),
        Some(email) => users
            .get(&email.to_lowercase())
            .map(|id| Some(kite_shared::UserId(*id)))
            .ok_or_else(|| fail("owner", format!("No active user has the email {email}."))),
    }
}

fn lifecycle(raw: &str) -> Result<LifecycleStage, RowFailure> {
    let key = raw.trim().to_lowercase();
    LifecycleStage::ALL
        .into_iter()
        .find(|s| s.as_str() == key || s.label().to_lowercase() == key)
        .ok_or_else(|| fail("lifecycle_stage", format!("Unknown lifecycle stage \"{raw}\".")))
}

/// The first problem of a row refused by the API's rules: one is enough to fix it.
fn first_error(errors: Vec<FieldError>) -> RowFailure {
    errors
        .into_iter()
        .next()
        .map_or_else(|| fail("row", "The row is not valid."), |e| (e.field, e.message))
}

fn tags(mapping: &Mapping, cells: &[String]) -> Option<Vec<String>> {
    mapping
        .has("tags")
        .then(|| mapping.list(cells, "tags"))
        .filter(|t| !t.is_empty())
}

fn check_cells(cells: &[String], width: usize) -> Result<(), RowFailure> {
    if cells.len() > width.max(1) * 2 + 10 {
        return Err(fail(
            "row",
            format!("The row has {} cells; the header has {width}.", cells.len()),
        ));
    }
    if let Some(long) = cells
        .iter()
        .position(|c| c.chars().count() > super::files::MAX_CELL_CHARS)
    {
        return Err(fail(
            "row",
            format!(
                "Cell {} is longer than {} characters.",
                long + 1,
                super::files::MAX_CELL_CHARS
            ),
        ));
    }
    Ok(())
}

pub fn contact(
    mapping: &Mapping,
    cells: &[String],
    width: usize,
    users: &HashMap<String, Uuid>,
) -> Result<Prepared<ContactFields>, RowFailure> {
    check_cells(cells, width)?;
    let id = parse_id(mapping, cells)?;
    let mut first_name = mapping.get(cells, "first_name").unwrap_or_default().to_owned();
    let mut last_name = mapping.get(cells, "last_name").unwrap_or_default().to_owned();
    if first_name.is_empty()
        && last_name.is_empty()
        && let Some(full) = mapping.get(cells, "full_name")
    {
        match full.rsplit_once(' ') {
            Some((first, last)) => {
                first_name = first.trim().to_owned();
                last_name = last.trim().to_owned();
            }
            None => first_name = full.to_owned(),
        }
    }
    let email = mapping.get(cells, "email").map(str::to_owned);
    if first_name.is_empty() && last_name.is_empty() {
        // A row with only an email still names someone.
        if let Some(email) = &email {
            first_name = email.split('@').next().unwrap_or_default().to_owned();
        }
    }
    let input = ContactInput {
        first_name,
        last_name,
        email,
        other_emails: mapping.list(cells, "other_emails"),
        phone: mapping.get(cells, "phone").map(str::to_owned),
        other_phones: mapping.list(cells, "other_phones"),
        title: mapping.get(cells, "title").map(str::to_owned),
        company_id: None,
        owner_id: owner(mapping, cells, users)?,
        lifecycle_stage: mapping.get(cells, "lifecycle_stage").map(lifecycle).transpose()?,
        source: mapping.get(cells, "source").map(str::to_owned),
        tags: tags(mapping, cells),
        custom_fields: Default::default(),
    };
    Ok(Prepared {
        id,
        fields: ContactFields::parse(&input).map_err(first_error)?,
        tags: input.tags,
        company: mapping.get(cells, "company").map(str::to_owned),
    })
}

pub fn company(
    mapping: &Mapping,
    cells: &[String],
    width: usize,
    users: &HashMap<String, Uuid>,
) -> Result<Prepared<CompanyFields>, RowFailure> {
    check_cells(cells, width)?;
    let id = parse_id(mapping, cells)?;
    let website = mapping.get(cells, "website").map(str::to_owned);
    // Without a domain column, the website names the domain.
    let domain = mapping.get(cells, "domain").map(str::to_owned).or_else(|| {
        website
            .as_deref()
            .and_then(kite_shared::crm::companies::normalize_domain)
    });
    let input = CompanyInput {
        name: mapping.get(cells, "name").unwrap_or_default().to_owned(),
        domain,
        industry: mapping.get(cells, "industry").map(str::to_owned),
        size: mapping.get(cells, "size").map(str::to_owned),
        phone: mapping.get(cells, "phone").map(str::to_owned),
        address: mapping.get(cells, "address").map(str::to_owned),
        website,
        owner_id: owner(mapping, cells, users)?,
        notes: mapping.get(cells, "notes").map(str::to_owned),
        tags: tags(mapping, cells),
        custom_fields: Default::default(),
    };
    Ok(Prepared {
        id,
        fields: CompanyFields::parse(&input).map_err(first_error)?,
        tags: input.tags,
        company: None,
    })
}

/// A deal row: its fields, and the names resolved against the organization later.
pub struct DealRow {
    pub deal: DealFields,
    pub pipeline: Option<String>,
    pub stage: Option<String>,
    pub contact_email: Option<String>,
}

/// ISO dates, and the day-first dotted dates of European spreadsheets.
fn parse_date(raw: &str) -> Result<chrono::NaiveDate, RowFailure> {
    let raw = raw.trim();
    let date_part = raw.split(['T', ' ']).next().unwrap_or(raw);
    ["%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|f| chrono::NaiveDate::parse_from_str(date_part, f).ok())
        .ok_or_else(|| fail("expected_close", format!("\"{raw}\" is not a date (use YYYY-MM-DD).")))
}

pub fn deal(
    mapping: &Mapping,
    cells: &[String],
    width: usize,
    users: &HashMap<String, Uuid>,
) -> Result<Prepared<DealRow>, RowFailure> {
    check_cells(cells, width)?;
    let id = parse_id(mapping, cells)?;
    let title = mapping.get(cells, "title").unwrap_or_default().to_owned();
    let value = mapping
        .get(cells, "value")
        .map(|raw| {
            let amount = raw.trim_start_matches(|c: char| !c.is_ascii_digit() && c != '.');
            kite_shared::crm::money::parse_amount(amount)
                .ok_or_else(|| fail("value", format!("\"{raw}\" is not an amount.")))
        })
        .transpose()?;
    let currency = mapping.get(cells, "currency").map(str::to_uppercase);
    let probability = mapping
        .get(cells, "probability")
        .map(|raw| {
            raw.trim_end_matches('%')
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|p| (0..=100).contains(p))
                .ok_or_else(|| fail("probability", format!("\"{raw}\" is not a percentage from 0 to 100.")))
        })
        .transpose()?;
    let lost_reason = mapping.get(cells, "lost_reason").map(str::to_owned);
    if lost_reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(fail("lost_reason", "At most 500 characters."));
    }
    // The API's rules for what a deal holds; the file has a value and a currency column
    // where the API has one money field.
    let input = DealInput {
        title,
        value: Some(Money {
            minor: value.unwrap_or(0),
            currency: currency.clone().unwrap_or_else(|| DEFAULT_CURRENCY.to_owned()),
        }),
        probability,
        tags: tags(mapping, cells),
        ..DealInput::default()
    };
    let mut deal = DealFields::parse(&input).map_err(|errors| {
        let (field, message) = first_error(errors);
        let field = match field.as_str() {
            "value.currency" => "currency".to_owned(),
            "value.minor" => "value".to_owned(),
            _ => field,
        };
        (field, message)
    })?;
    // Empty cells leave a deal's value and currency as they are.
    deal.value_minor = value;
    deal.currency = currency;
    deal.expected_close = mapping.get(cells, "expected_close").map(parse_date).transpose()?;
    deal.lost_reason = lost_reason;
    deal.owner_id = owner(mapping, cells, users)?.map(|o| o.into_uuid());
    Ok(Prepared {
        id,
        fields: DealRow {
            deal,
            pipeline: mapping.get(cells, "pipeline").map(str::to_owned),
            stage: mapping.get(cells, "stage").map(str::to_owned),
            contact_email: mapping.get(cells, "contact_email").map(str::to_owned),
        },
        tags: input.tags,
        company: mapping.get(cells, "company").map(str::to_owned),
    })
}
